/// What SealQ knows about IAM's global condition keys: which exist, which carry one value and which many.
enum ConditionKeyCatalog {
    /// Global keys that always carry a single value (lowercased).
    static let singleValued: Set<String> = [
        "aws:calledviafirst", "aws:calledvialast", "aws:currenttime", "aws:epochtime", "aws:federatedprovider",
        "aws:multifactorauthage", "aws:multifactorauthpresent", "aws:principalaccount", "aws:principalarn",
        "aws:principalisawsservice", "aws:principalorgid", "aws:principalservicename", "aws:principaltype",
        "aws:referer", "aws:requestedregion", "aws:resourceaccount", "aws:resourceorgid", "aws:securetransport",
        "aws:sourceaccount", "aws:sourcearn", "aws:sourceip", "aws:sourceorgid", "aws:sourcevpc", "aws:sourcevpce",
        "aws:tokenissuetime", "aws:useragent", "aws:userid", "aws:username", "aws:viaawsservice", "aws:vpcsourceip",
        "aws:sourceidentity", "aws:ec2instancesourcevpc", "aws:ec2instancesourceprivateipv4", "aws:sourcevpcarn",
        "aws:vpceaccount", "aws:vpceorgid", "aws:assumedroot", "aws:chatbotsourcearn", "aws:ismcpserviceaction",
        // Not in IAM's list of global keys, but documented for SNS and S3 event notifications.
        "aws:sourceowner",
    ]

    /// Global keys that carry several values (lowercased).
    static let multivalued: Set<String> = [
        "aws:tagkeys", "aws:principalservicenameslist", "aws:calledvia", "aws:principalorgpaths", "aws:resourceorgpaths",
        "aws:sourceorgpaths", "aws:vpceorgpaths",
    ]

    /// Prefixes of single-valued tag keys (`aws:PrincipalTag/team`).
    static let singleValuedPrefixes = ["aws:principaltag/", "aws:requesttag/", "aws:resourcetag/"]

    /// Whether `key` (an `aws:` key) is one of IAM's global condition keys.
    static func isGlobalKey(_ key: String) -> Bool {
        let lowercased = key.lowercased()
        return isSingleValued(lowercased) || multivalued.contains(lowercased)
    }

    /// Whether `key` is known to carry exactly one value.
    static func isSingleValued(_ key: String) -> Bool {
        let lowercased = key.lowercased()
        return singleValued.contains(lowercased) || singleValuedPrefixes.contains { lowercased.hasPrefix($0) }
    }
}

extension IdentityRequestDecoder {
    /// The IAM access key operations this endpoint serves.
    static let accessKeyActions: Set<String> = [
        "CreateAccessKey", "ListAccessKeys", "UpdateAccessKey", "DeleteAccessKey", "GetAccessKeyLastUsed",
    ]

    /// Decodes one of `accessKeyActions`, checking the IAM model's constraints on its members
    /// (every violation reported at once, in member order, as IAM's validation does).
    static func accessKey(_ action: String, _ form: QueryForm) throws(IdentityError) -> AccessKeyRequest {
        var check = ConstraintCheck()
        if action == "GetAccessKeyLastUsed" {
            let accessKeyId = accessKeyIdConstraints(form.string("AccessKeyId"), &check)
            try report(check)
            return .lastUsed(accessKeyId: accessKeyId!)
        }
        let userName = form.string("UserName")
        if let userName { userNameConstraints(userName, &check) }
        switch action {
        case "CreateAccessKey":
            try report(check)
            return .create(userName: userName)
        case "ListAccessKeys":
            let (marker, maxItems) = paging(form, &check)
            try report(check)
            return .list(userName: userName, marker: marker, maxItems: maxItems)
        case "UpdateAccessKey":
            let accessKeyId = accessKeyIdConstraints(form.string("AccessKeyId"), &check)
            let statusText = form.string("Status")
            var status: AccessKeyStatus?
            if let statusText {
                status = AccessKeyStatus(rawValue: statusText)
                if status == nil, statusText != "Expired" {
                    check.violations.append(
                        "Value '\(statusText)' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]")
                }
            } else {
                check.violations.append("Value null at 'status' failed to satisfy constraint: Member must not be null")
            }
            try report(check)
            guard let accessKeyId, let status else {
                // `Expired` is in the model for keys the service retires; no caller can set it.
                throw .invalidInput("The status of an access key can be set to Active or Inactive, not \(statusText ?? "")")
            }
            return .update(userName: userName, accessKeyId: accessKeyId, status: status)
        default:
            let accessKeyId = accessKeyIdConstraints(form.string("AccessKeyId"), &check)
            try report(check)
            return .delete(userName: userName, accessKeyId: accessKeyId!)
        }
    }

    /// `Marker` and `MaxItems`, checked (a `MaxItems` that is no integer is reported after the
    /// model's constraints, as IAM orders them).
    static func paging(_ form: QueryForm, _ check: inout ConstraintCheck) -> (marker: String?, maxItems: Int?) {
        var maxItems: Int?
        var decoding: [String] = []
        if let text = form.string("MaxItems") {
            maxItems = Int(text)
            if maxItems == nil { decoding.append("Value '\(text)' at 'maxItems' failed to satisfy constraint: Member must be an integer") }
        }
        let marker = form.string("Marker")
        check.paging(maxItems: maxItems, marker: marker)
        check.violations += decoding
        return (marker, maxItems)
    }

    static func report(_ check: ConstraintCheck) throws(IdentityError) {
        guard check.violations.isEmpty else { throw .validation(check.violations) }
    }

    /// `existingUserNameType`: 1–128 characters of `[\w+=,.@-]`.
    static func userNameConstraints(_ userName: String, _ check: inout ConstraintCheck) {
        check.length(userName, at: "userName", 1...128)
        check.pattern(userName, at: "userName", quoted: true, allowed: { isWord($0) || Self.userNamePunctuation.contains($0) },
            shown: #"[\w+=,.@-]+"#)
    }

    /// `accessKeyIdType`: required, 16–128 characters of `[\w]`.
    private static func accessKeyIdConstraints(_ accessKeyId: String?, _ check: inout ConstraintCheck) -> String? {
        guard let accessKeyId else {
            check.violations.append("Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null")
            return nil
        }
        check.length(accessKeyId, at: "accessKeyId", 16...128)
        check.pattern(accessKeyId, at: "accessKeyId", quoted: true, allowed: isWord, shown: #"[\w]+"#)
        return accessKeyId
    }

    /// `+`, `=`, `,`, `.`, `@` and `-`.
    private static let userNamePunctuation: Set<UInt32> = [0x2B, 0x3D, 0x2C, 0x2E, 0x40, 0x2D]

    /// Java's `\w`: an ASCII letter, digit or underscore.
    private static func isWord(_ scalar: UInt32) -> Bool {
        (0x30...0x39).contains(scalar) || (0x41...0x5A).contains(scalar) || (0x61...0x7A).contains(scalar) || scalar == 0x5F
    }
}

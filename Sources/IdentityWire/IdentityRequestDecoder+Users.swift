extension IdentityRequestDecoder {
    /// Decodes `GetUser` or `ListUsers`, checking the IAM model's constraints on their members.
    static func user(_ action: String, _ form: QueryForm) throws(IdentityError) -> UserRequest {
        var check = ConstraintCheck()
        if action == "GetUser" {
            let userName = form.string("UserName")
            if let userName { userNameConstraints(userName, &check) }
            try report(check)
            return .get(userName: userName)
        }
        let pathPrefix = form.string("PathPrefix")
        if let pathPrefix {
            // pathPrefixType: `/`, then characters from `!` to DEL.
            check.length(pathPrefix, at: "pathPrefix", 1...512)
            if !pathPrefix.hasPrefix("/") || !pathPrefix.unicodeScalars.allSatisfy({ (0x21...0x7F).contains($0.value) }) {
                check.violations.append(
                    #"Value '\#(pathPrefix)' at 'pathPrefix' failed to satisfy constraint: Member must satisfy regular expression pattern: \u002F[\u0021-\u007F]*"#)
            }
        }
        let (marker, maxItems) = paging(form, &check)
        try report(check)
        return .list(pathPrefix: pathPrefix, marker: marker, maxItems: maxItems)
    }
}

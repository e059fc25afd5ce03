/// IAM's credential report: a CSV file with a row for the account's root and one per user,
/// saying which credentials each holds and when its access keys were made and last used.
///
/// SealQ's users have no passwords, MFA devices or signing certificates: those columns say so
/// (`false`, `N/A`), as IAM's do for a user without them.
public struct CredentialReport: Sendable, Equatable {
    /// One access key's columns.
    public struct AccessKey: Sendable, Equatable {
        /// Whether the key is `Active`.
        public var active: Bool
        /// When the key was made, ISO 8601 in UTC.
        public var createDate: String
        /// Its last use, nil when none is known.
        public var lastUse: AccessKeyLastUse?

        /// An access key's columns.
        public init(active: Bool, createDate: String, lastUse: AccessKeyLastUse?) {
            self.active = active
            self.createDate = createDate
            self.lastUse = lastUse
        }
    }

    /// One user's row.
    public struct User: Sendable, Equatable {
        /// The user's name.
        public var name: String
        /// The user's ARN.
        public var arn: String
        /// When the user was made, ISO 8601 in UTC.
        public var creationTime: String
        /// The user's first two access keys, oldest first.
        public var accessKeys: [AccessKey]

        /// A user's row.
        public init(name: String, arn: String, creationTime: String, accessKeys: [AccessKey]) {
            self.name = name
            self.arn = arn
            self.creationTime = creationTime
            self.accessKeys = accessKeys
        }
    }

    /// The account's root (`arn:aws:iam::ACCOUNT:root`), which SealQ has no credentials for.
    public var root: User
    /// The users, in name order.
    public var users: [User]
    /// When the report was made, ISO 8601 in UTC.
    public var generatedTime: String

    /// A report.
    public init(root: User, users: [User], generatedTime: String) {
        self.root = root
        self.users = users
        self.generatedTime = generatedTime
    }

    /// The columns, in IAM's order.
    public static let columns = [
        "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
        "password_next_rotation", "mfa_active",
        "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region",
        "access_key_1_last_used_service",
        "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region",
        "access_key_2_last_used_service",
        "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
    ]

    /// The report as IAM delivers it: CSV, a header line, the root's row, then the users'.
    public var csv: String {
        var lines = [Self.columns.joined(separator: ",")]
        lines.append(Self.row(root, password: ["not_supported", "no_information", "not_supported", "not_supported"]))
        lines += users.map { Self.row($0, password: ["false", "N/A", "N/A", "N/A"]) }
        return lines.joined(separator: "\n")
    }

    private static func row(_ user: User, password: [String]) -> String {
        var fields = [user.name, user.arn, reportDate(user.creationTime)] + password + ["false"]
        for index in 0..<2 {
            guard index < user.accessKeys.count else {
                fields += ["false", "N/A", "N/A", "N/A", "N/A"]
                continue
            }
            let key = user.accessKeys[index]
            fields += [
                key.active ? "true" : "false", reportDate(key.createDate), key.lastUse.map { reportDate($0.lastUsedDate) } ?? "N/A",
                key.lastUse?.region ?? "N/A", key.lastUse?.serviceName ?? "N/A",
            ]
        }
        fields += ["false", "N/A", "false", "N/A"]
        return fields.map(quoted).joined(separator: ",")
    }

    /// The report writes UTC as `+00:00` (`2026-11-27T10:00:00+00:00`).
    private static func reportDate(_ iso: String) -> String {
        iso.hasSuffix("Z") ? String(iso.dropLast()) + "+00:00" : iso
    }

    /// A field in double quotes when it holds a comma or a quote (RFC 4180); user names may.
    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return field }
        return "\"" + field.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\""
    }
}

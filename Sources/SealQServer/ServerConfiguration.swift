import NIOCore

/// Everything `sealq serve` needs to start, from flags, environment and defaults.
public struct ServerConfiguration: Sendable {
    /// Address to listen on.
    public var host = "127.0.0.1"
    /// Port to listen on.
    public var port = 9324
    /// Directory holding the database, secrets and the admin credentials file.
    public var dataDirectory = "./data"
    /// Directory of declarative key definitions.
    public var keysDirectory = "./keys"
    /// Directory of principal and policy definitions.
    public var policiesDirectory = "./policies"
    /// Region in ARNs and credential scopes.
    public var region = "us-east-1"
    /// Account id in ARNs and queue URLs.
    public var accountId = "000000000000"
    /// Fixed admin access key id (with `adminSecretAccessKey`), instead of generated ones.
    public var adminAccessKeyId: String?
    /// Fixed admin secret access key.
    public var adminSecretAccessKey: String?
    /// Largest request body accepted, in bytes; larger ones are refused from Content-Length.
    /// Room for any message SQS accepts in either protocol: 1 MiB of Binary attribute is 1.33 MiB
    /// of base64, which form encoding can triple (`+` and `/` become `%2B`, `%2F`), plus names.
    public var maximumRequestBodyBytes = 4 * 1024 * 1024 + 64 * 1024
    /// The most request-body bytes held at once across all connections (64 of the largest
    /// bodies); a request that would go past it is answered 503 ServiceUnavailable.
    public var bufferedBodyBudgetBytes = 64 * (4 * 1024 * 1024 + 64 * 1024)
    /// Seconds a connection may stay idle, or sit in a half-sent request, before it is closed
    /// (a request being answered, such as a long poll, is never idle).
    public var idleTimeoutSeconds: Int64 = 30
    /// Event-loop threads for network I/O: one per core, NIO's own default. Fewer can help
    /// durable sends on a small machine, where loops, Swift's task pool and the commit thread
    /// contend (on two cores one loop gave sends 4-13 % more, and /health 10-15 % less).
    public var ioThreads = System.coreCount

    /// The passphrase the root key is derived from (`SEALQ_ROOT_PASSPHRASE`), if set.
    public var rootPassphrase: String?
    /// A 32-byte root key file (`--root-key-file`, mode 0600), if given.
    public var rootKeyFile: String?
    /// Seconds in a day of a KMS key deletion window: 86,400, fewer only for tests
    /// (`--kms-deletion-day-seconds`).
    public var keyDeletionDaySeconds: Int64 = 86_400
    /// Audit events older than this many days are archived to export files and removed
    /// (`--audit-retention-days`); nil keeps them all.
    public var auditRetentionDays: Double?
    /// Where archived audit events go (`--audit-archive-dir`); nil means DATA/audit-archive.
    public var auditArchiveDirectory: String?
    /// How archived audit events are laid out in it (`--audit-archive-layout`).
    public var auditArchiveLayout: AuditExport.Layout = .flat

    /// Sends are refused (503 ServiceUnavailable) while less room than this is left on the disk
    /// holding the data directory, counting the pages the database freed (`--min-free-disk-mb`);
    /// 0 never refuses them.
    public var minimumFreeDiskBytes: Int64 = 64 << 20

    /// Whether calls are authenticated and authorized. Off only for measuring what access
    /// control costs (`sealq serve --insecure-skip-auth`): every call then runs as the admin.
    public var accessControl = true

    /// The defaults: 127.0.0.1:9324, ./data, us-east-1, account 000000000000.
    public init() {}

    /// Path of the SQLite database.
    public var databasePath: String { dataDirectory + "/sealq.sqlite" }
    /// Path of the admin credentials file.
    public var adminCredentialsPath: String { dataDirectory + "/admin-credentials" }
    /// Path of the receipt-handle key.
    public var receiptKeyPath: String { dataDirectory + "/receipt-handle.key" }
}

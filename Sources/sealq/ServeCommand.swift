import ArgumentParser
import Foundation
import Logging
import Metrics
import Prometheus
import SealQServer

/// `sealq serve`: runs the daemon until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Start the daemon (default 127.0.0.1:9324, data in ./data).",
        discussion: """
            Each option marked [env: …] can also be set by that environment variable; a flag wins over the environment. \
            --kms-deletion-day-seconds (tests) and --insecure-skip-auth (benchmarks) have none.
            """)

    @Option(help: "Address to listen on [env: SEALQ_HOST] (default: 127.0.0.1).")
    var host: String?
    @Option(parsing: .unconditional, help: "Port to listen on [env: SEALQ_PORT] (default: 9324).")
    var port: Int?
    @OptionGroup var locations: LocationOptions
    @Option(name: .customLong("keys"), help: "Key definitions directory [env: SEALQ_KEYS] (default: ./keys).")
    var keysDirectory: String?
    @Option(
        name: .customLong("root-key-file"),
        help: "A 32-byte root key file (mode 0600) that wraps all key material [env: SEALQ_ROOT_KEY_FILE]. SEALQ_ROOT_PASSPHRASE, when set, is used instead.")
    var rootKeyFile: String?
    @Option(
        name: .customLong("kms-deletion-day-seconds"),
        parsing: .unconditional,
        help: "Tests only: seconds in a day of a KMS key deletion window, 1 to 86400 (default 86400).")
    var kmsDeletionDaySeconds: Int64?
    @Option(
        name: .customLong("audit-retention-days"),
        parsing: .unconditional,
        help: """
            Archive audit events older than this many days (more than 0, at most 36500) to export files, then remove them \
            [env: SEALQ_AUDIT_RETENTION_DAYS] (default: keep all).
            """)
    var auditRetentionDays: Double?
    @Option(name: .customLong("audit-archive-dir"), help: "Where archived audit events go [env: SEALQ_AUDIT_ARCHIVE_DIR] (default: DATA/audit-archive).")
    var auditArchiveDirectory: String?
    @Option(
        name: .customLong("audit-archive-layout"),
        help: "How archived audit events are laid out: flat or cloudtrail [env: SEALQ_AUDIT_ARCHIVE_LAYOUT] (default: flat).")
    var auditArchiveLayout: String?
    @Flag(
        name: .customLong("insecure-skip-auth"),
        help: "Benchmarks only: skip authentication and authorization; every call runs as the admin. Loopback hosts only.")
    var insecureSkipAuth = false
    @Option(
        name: .customLong("idle-timeout"),
        parsing: .unconditional,
        help: "Seconds (1–3600) a connection may stay idle, in a half-sent request or unable to send any of an answer before it is closed [env: SEALQ_IDLE_TIMEOUT] (default: 30).")
    var idleTimeout: Int64?
    @Option(name: .customLong("log-level"), help: "\(Self.levels) [env: SEALQ_LOG_LEVEL] (default: info).")
    var logLevel: String?
    @Option(
        name: .customLong("io-threads"),
        parsing: .unconditional,
        help: "Event-loop threads (1–256) for network I/O [env: SEALQ_IO_THREADS] (default: one per core).")
    var ioThreads: Int?
    @Option(
        name: .customLong("min-free-disk-mb"),
        parsing: .unconditional,
        help: """
            Refuse sends (503 ServiceUnavailable, which SDKs retry) while less than this many MiB (0–1000000000) are left on \
            the disk holding the data directory; receives and deletes go on [env: SEALQ_MIN_FREE_DISK_MB] (default: 64; 0: never refuse).
            """)
    var minFreeDiskMegabytes: Int64?

    func run() async throws {
        try ProcessSecrets.protectMemory()
        let adminSecret = ProcessSecrets.take("SEALQ_ADMIN_SECRET_ACCESS_KEY")
        let passphrase = ProcessSecrets.take("SEALQ_ROOT_PASSPHRASE")
        let environment = ProcessInfo.processInfo.environment
        var configuration = ServerConfiguration()
        configuration.host = try Setting.value(host, option: "--host", variable: "SEALQ_HOST") ?? configuration.host
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be a port number (0–65535), not \(port).") }
        if let port = try port ?? environment["SEALQ_PORT"].map(Self.parsePort) { configuration.port = port }
        configuration.dataDirectory = locations.data.resolved
        configuration.keysDirectory = try Setting.value(keysDirectory, option: "--keys", variable: "SEALQ_KEYS") ?? configuration.keysDirectory
        configuration.policiesDirectory = locations.resolvedPoliciesDirectory
        configuration.region = try locations.resolvedRegion()
        configuration.accountId = try locations.resolvedAccountId()
        // Set but empty is refused, as for every other variable, not read as "generate keys".
        for (variable, value) in [("SEALQ_ADMIN_ACCESS_KEY_ID", environment["SEALQ_ADMIN_ACCESS_KEY_ID"]), ("SEALQ_ADMIN_SECRET_ACCESS_KEY", adminSecret)]
        where value?.isEmpty == true {
            throw ValidationError("\(variable) is set but empty: give a value, or leave it unset for the admin's keys in the data directory.")
        }
        configuration.adminAccessKeyId = environment["SEALQ_ADMIN_ACCESS_KEY_ID"]
        configuration.adminSecretAccessKey = adminSecret
        guard (configuration.adminAccessKeyId == nil) == (configuration.adminSecretAccessKey == nil) else {
            throw ValidationError("Set both SEALQ_ADMIN_ACCESS_KEY_ID and SEALQ_ADMIN_SECRET_ACCESS_KEY, or neither.")
        }
        // As IAM's: a key id is 16–128 word characters (it sits in a SigV4 Credential between slashes).
        if let id = configuration.adminAccessKeyId,
            !(16...128).contains(id.count) || !id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        {
            throw ValidationError("SEALQ_ADMIN_ACCESS_KEY_ID must be 16 to 128 letters, digits or underscores.")
        }
        if let secret = configuration.adminSecretAccessKey, !secret.unicodeScalars.allSatisfy({ (0x21..<0x7F).contains($0.value) }) {
            throw ValidationError("SEALQ_ADMIN_SECRET_ACCESS_KEY must be printable ASCII without spaces.")
        }
        configuration.rootPassphrase = try RootPassphrase.given(passphrase, variable: "SEALQ_ROOT_PASSPHRASE")
        configuration.rootKeyFile = try Setting.value(rootKeyFile, option: "--root-key-file", variable: "SEALQ_ROOT_KEY_FILE")
        if let seconds = kmsDeletionDaySeconds {
            // A deletion window is at most 30 of these days; a longer day than the real one only overflows.
            guard (1...86_400).contains(seconds) else { throw ValidationError("--kms-deletion-day-seconds must be 1 to 86400.") }
            configuration.keyDeletionDaySeconds = seconds
        }
        if let days = try auditRetentionDays ?? environment["SEALQ_AUDIT_RETENTION_DAYS"].map(Self.parseDays) {
            // 100 years: any longer is keeping everything, and (in milliseconds) must still fit the clock's Int64.
            guard days > 0, days <= 36_500 else {
                throw ValidationError("--audit-retention-days (or SEALQ_AUDIT_RETENTION_DAYS) must be more than 0 and at most 36500 (100 years).")
            }
            configuration.auditRetentionDays = days
        }
        configuration.auditArchiveDirectory = try Setting.value(
            auditArchiveDirectory, option: "--audit-archive-dir", variable: "SEALQ_AUDIT_ARCHIVE_DIR")
        if let layout = try Setting.value(auditArchiveLayout, option: "--audit-archive-layout", variable: "SEALQ_AUDIT_ARCHIVE_LAYOUT") {
            guard let known = AuditExport.Layout(rawValue: layout) else {
                throw ValidationError("--audit-archive-layout (or SEALQ_AUDIT_ARCHIVE_LAYOUT) must be flat or cloudtrail.")
            }
            configuration.auditArchiveLayout = known
        }
        if let seconds = try idleTimeout ?? environment["SEALQ_IDLE_TIMEOUT"].map(Self.parseSeconds) {
            guard (1...3600).contains(seconds) else { throw ValidationError("--idle-timeout must be 1 to 3600 seconds.") }
            configuration.idleTimeoutSeconds = seconds
        }
        if let threads = try ioThreads ?? environment["SEALQ_IO_THREADS"].map(Self.parseThreads) {
            guard (1...256).contains(threads) else { throw ValidationError("--io-threads must be 1 to 256.") }
            configuration.ioThreads = threads
        }
        if let megabytes = try minFreeDiskMegabytes ?? environment["SEALQ_MIN_FREE_DISK_MB"].map(Self.parseMegabytes) {
            guard (0...1_000_000_000).contains(megabytes) else {
                throw ValidationError("--min-free-disk-mb (or SEALQ_MIN_FREE_DISK_MB) must be 0 to 1000000000.")
            }
            configuration.minimumFreeDiskBytes = megabytes << 20
        }
        if insecureSkipAuth {
            guard ["127.0.0.1", "::1", "localhost"].contains(configuration.host) else {
                throw ValidationError("--insecure-skip-auth is refused unless --host is a loopback address.")
            }
            configuration.accessControl = false
        }
        let levelName = logLevel ?? environment["SEALQ_LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("--log-level (or SEALQ_LOG_LEVEL) is one of \(Self.levels), not '\(levelName)'.")
        }

        LoggingSystem.bootstrap { LogLineHandler(label: $0) }
        var logger = Logger(label: "sealq")
        logger.logLevel = level
        let metrics = DescribedMetricsFactory(registry: PrometheusCollectorRegistry())
        MetricsSystem.bootstrap(metrics)
        try await runDaemon(configuration: configuration, metrics: metrics, logger: logger)
    }

    /// Every log level, least severe first: "trace, debug, …, critical".
    private static let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")

    private static func parseDays(_ text: String) throws -> Double {
        guard let days = Double(text) else { throw ValidationError("SEALQ_AUDIT_RETENTION_DAYS must be a number of days.") }
        return days
    }

    private static func parseSeconds(_ text: String) throws -> Int64 {
        guard let seconds = Int64(text) else { throw ValidationError("SEALQ_IDLE_TIMEOUT must be a number of seconds.") }
        return seconds
    }

    private static func parseThreads(_ text: String) throws -> Int {
        guard let threads = Int(text) else { throw ValidationError("SEALQ_IO_THREADS must be a number of threads.") }
        return threads
    }

    private static func parseMegabytes(_ text: String) throws -> Int64 {
        guard let megabytes = Int64(text) else { throw ValidationError("SEALQ_MIN_FREE_DISK_MB must be a number of MiB.") }
        return megabytes
    }

    private static func parsePort(_ text: String) throws -> Int {
        guard let port = Int(text), (0...65535).contains(port) else { throw ValidationError("SEALQ_PORT must be a port number (0–65535).") }
        return port
    }
}

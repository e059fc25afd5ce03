import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import KeyService
import Logging
import PolicyEngine
import Principals
import Prometheus
import QueueEngine
import SQSWire
import SealCrypto
import ServiceLifecycle
import Storage

/// How long a stop waits for requests still arriving before it closes their connections.
let shutdownGrace: Duration = .seconds(10)

/// Runs the daemon until SIGTERM, SIGINT or SIGHUP (a closed terminal; unless the daemon was
/// started ignoring it, as `nohup` does), then shuts down in order: waiting long polls are
/// answered empty first, then the HTTP server drains (requests still arriving after
/// `shutdownGrace` are cut off), then storage is checkpointed and the data directory's lock
/// let go. SIGUSR1 and SIGUSR2, which would end the process on the spot, are ignored.
public func runDaemon(configuration: ServerConfiguration, metrics: DescribedMetricsFactory, logger: Logger) async throws {
    signal(SIGUSR1, SIG_IGN)
    signal(SIGUSR2, SIG_IGN)
    let inheritedHangup = signal(SIGHUP, SIG_IGN)
    let hangupIgnored = inheritedHangup.map { unsafeBitCast($0, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) } ?? false
    if !hangupIgnored { signal(SIGHUP, inheritedHangup) }
    // Sizes the event-loop group the HTTP server runs on; read when it is first used, below.
    NIOSingletons.groupLoopCountSuggestion = configuration.ioThreads
    // A bind failure is told in words, not as NIO's error.
    let address = "\(configuration.host):\(configuration.port)"
    do {
        // A start that cannot listen is refused before it sets anything up in the data
        // directory (a root key, credentials) or takes its lock. The server binds again when
        // the group runs; a port taken in between fails there, with the same words.
        try await ServerBootstrap(group: NIOSingletons.posixEventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: configuration.port).get()
            .close()
        try await serve(configuration: configuration, metrics: metrics, hangupIgnored: hangupIgnored, logger: logger)
    } catch let error as IOError where error.errnoCode == EADDRINUSE {
        throw StartRefusal(description: "cannot listen on \(address): the address is already in use (by another daemon?)")
    } catch let error as IOError {
        throw StartRefusal(description: "cannot listen on \(address): \(String(cString: strerror(error.errnoCode)))")
    } catch let error as SocketAddressError.UnknownHost {
        throw StartRefusal(description: "cannot listen on \(address): no such host (\(error.errorDescription))")
    }
    // Said last, once the application (and with it the data directory's lock) is gone: a
    // supervisor that waits for it may start the next daemon at once.
    Logger.lifecycle(of: logger).notice("sealq stopped")
}

/// Builds the application and runs it with the services that stop before it, until a signal.
private func serve(
    configuration: ServerConfiguration, metrics: DescribedMetricsFactory, hangupIgnored: Bool, logger: Logger
) async throws {
    let reading = RequestsBeingRead()
    let (application, engine) = try await buildApplication(
        configuration: configuration, metrics: metrics, requestsBeingRead: reading, logger: logger)
    let group = ServiceGroup(
        configuration: .init(
            services: [application, LongPollDrain(engine: engine), RequestsBeingRead.StopDeadline(requests: reading, grace: shutdownGrace)],
            gracefulShutdownSignals: hangupIgnored ? [.sigterm, .sigint] : [.sigterm, .sigint, .sighup], logger: logger))
    try await group.run()
}

/// Why the daemon does not start.
struct StartRefusal: Error, CustomStringConvertible {
    /// What is wrong, and what to do.
    var description: String
}

/// Builds the SealQ application: storage, engine, request path, HTTP server and background
/// services, and returns it with its engine. Each connection's request in progress is kept in
/// `requestsBeingRead` until it has arrived.
func buildApplication(
    configuration: ServerConfiguration, metrics: DescribedMetricsFactory, requestsBeingRead: RequestsBeingRead, logger: Logger
) async throws -> (some ApplicationProtocol, QueueEngine) {
    try SecretFiles.ensureDirectory(configuration.dataDirectory)
    let archive = configuration.auditArchiveDirectory ?? configuration.dataDirectory + "/audit-archive"
    for directory in [configuration.dataDirectory, archive] {
        if let (old, new) = try SecretFiles.restrictDirectory(directory) {
            logger.warning(
                "\(directory) could be written by others (mode \(String(old, radix: 8))): made writable by its owner alone (mode \(String(new, radix: 8))) before anything was put there")
        }
    }
    for (name, directory) in [("keys", configuration.keysDirectory), ("policies", configuration.policiesDirectory)]
    where SecretFiles.isWritableByOthers(directory) {
        logger.warning(
            "the \(name) directory \(directory) may be written by others, who could define \(name == "keys" ? "keys and their policies" : "principals and what they may do") there: let only its owner write it")
    }
    let dataLock = try DataDirectoryLock(dataDirectory: configuration.dataDirectory)
    // First, so a start refused for its root key leaves nothing half set up behind.
    let rootKey = try RootKey.resolve(configuration, logger: logger)
    try DataDirectoryIdentity.bind(configuration)
    try requireDatabase(of: configuration)
    // Files checked later must be known missing before this start makes any of them.
    let setUp = wasSetUp(configuration)
    let receiptKeyLost = setUp && !FileManager.default.fileExists(atPath: configuration.receiptKeyPath)
    let store = try SQLiteMessageStore(
        path: configuration.databasePath, logger: logger, minimumFreeBytes: configuration.minimumFreeDiskBytes)
    for (path, mode) in SecretFiles.restrict(secretFiles(of: configuration)) {
        logger.warning(
            "\(path) was open to others (mode \(String(mode, radix: 8))): made readable by its owner only again; what it holds may have been read")
    }
    let catalog = try PrincipalCatalog.load(directory: configuration.policiesDirectory, accountId: configuration.accountId)
    if !FileManager.default.fileExists(atPath: configuration.policiesDirectory) {
        logger.warning(
            "policies directory \(configuration.policiesDirectory) does not exist: the admin (AdministratorAccess) is the only principal")
    }
    let accessKeys = try AccessKeyStore(dataDirectory: configuration.dataDirectory)
    for orphan in try accessKeys.list() where catalog.principal(named: orphan.userName) == nil {
        logger.warning(
            "access key \(orphan.accessKeyId) belongs to \(orphan.userName), which policies/ no longer defines: it is refused now, but a principal defined again under that name would get it; delete it with sealq principals delete \(orphan.accessKeyId)")
    }
    let directory = PrincipalDirectory(
        admin: try AdminCredentials.resolve(configuration, besides: accessKeys, setUp: setUp), catalog: catalog, accessKeys: accessKeys)
    let authenticator = Authenticator(directory: directory, region: configuration.region, enforcing: configuration.accessControl)
    let authorizer = Authorizer(region: configuration.region, accountId: configuration.accountId, enforcing: configuration.accessControl)
    if !configuration.accessControl {
        logger.warning("access control is OFF (--insecure-skip-auth): every call runs as the admin, unsigned calls included")
    }
    let keys = KeyService(
        configuration: .init(
            accountId: configuration.accountId, region: configuration.region, deletionDaySeconds: configuration.keyDeletionDaySeconds),
        store: store.keyStore, rootKey: rootKey, logger: logger)
    try await keys.start()
    // A root key rotation interrupted before the daemon stopped is finished before any key is used.
    if try await RootKeyRotation.serveRequest(keys: keys, dataDirectory: configuration.dataDirectory, logger: logger) {
        logger.warning("finished an interrupted root key rotation: start the daemon with the new root key from now on")
    }
    try await KeyDefinitions(directory: configuration.keysDirectory, catalog: catalog).apply(to: keys, logger: logger)
    // Made before the audit signing key, whose file marks the directory as set up: a first start
    // killed between the two must not leave a set-up directory without its receipt key.
    let receiptKey = try receiptHandleKey(of: configuration, lost: receiptKeyLost)
    let audit = AuditLog(
        store: store.auditStore,
        signingKey: try AuditSigningKey.loadOrCreate(
            dataDirectory: configuration.dataDirectory, keys: keys, logHasEvents: try await store.auditStore.holdsAnything(),
            logger: logger),
        retention: configuration.auditRetentionDays.map { days in
            AuditLog.Retention(
                milliseconds: Int64(days * 86_400_000), dataDirectory: configuration.dataDirectory,
                archiveDirectory: archive,
                archiveLayout: configuration.auditArchiveLayout)
        },
        checkpointDirectory: configuration.dataDirectory,
        logger: logger)
    // Resumed before any service or request can add an event, so what the start finds unsigned
    // is what an earlier run left (see AuditLog.start).
    do { try await audit.start() } catch let tampered as AuditLog.Tampered {
        throw tampered
    } catch {
        logger.error("audit log could not resume its tree", metadata: ["error": "\(error)"])
    }
    let principalDates = PrincipalDates(
        principalsFile: configuration.policiesDirectory + "/" + PrincipalCatalog.principalsFile,
        identityFile: configuration.dataDirectory + "/identity.json")
    let accessKeyAdministration = AccessKeyAdministration(directory: directory, audit: store.auditStore, logger: logger)
    try await accessKeyAdministration.settleUnsettledChange()
    RequestRecorder.startKeyUseCounters()
    let recorder = RequestRecorder(
        logger: logger, audit: audit, accountId: configuration.accountId, region: configuration.region,
        principals: { directory.principal(arn: $0) })
    let keyAccess = QueueKeyAccess(
        rule: KeyPolicyRule(authorizer: authorizer, keys: keys), directory: directory, region: configuration.region)
    let sealer = EnvelopeSealer(
        keys: keys, authorize: { use throws(KeyServiceError) in try keyAccess.authorize(use) },
        record: { recorder.recordKeyUse($0) })
    let engine = QueueEngine(
        configuration: .init(accountId: configuration.accountId, region: configuration.region), store: store, sealer: sealer,
        time: SystemTimeSource(), receiptAuthenticator: HMACReceiptAuthenticator(key: receiptKey), logger: logger,
        contentDigest: { Hex.encode(Digest.sha256(Array($0.utf8))) })
    try await engine.start()
    let router = ServiceRouter(
        sqs: SQSPipeline(
            decoder: SQSRequestDecoder(accountId: configuration.accountId), authenticator: authenticator,
            authorizer: authorizer, targets: SQSAuthorizationTarget(engine: engine), executor: SQSExecutor(engine: engine),
            recorder: recorder, encoder: SQSResponseEncoder(accountId: configuration.accountId), logger: logger),
        identity: IdentityPipeline(
            authenticator: authenticator, authorizer: authorizer, simulator: PolicySimulator(catalog: catalog),
            accessKeys: accessKeyAdministration,
            credentialReports: CredentialReports(directory: directory, lookup: AuditLookup(store: store.auditStore), dates: principalDates),
            users: IAMUsers(catalog: catalog, dates: principalDates), recorder: recorder, logger: logger),
        kms: KMSPipeline(
            authenticator: authenticator, authorizer: authorizer, executor: KMSExecutor(keys: keys), recorder: recorder, logger: logger),
        cloudTrail: CloudTrailPipeline(
            authenticator: authenticator, authorizer: authorizer, lookup: AuditLookup(store: store.auditStore), recorder: recorder,
            logger: logger))
    let responder = SealQResponder(
        router: router, metrics: MetricsEndpoint(metrics: metrics, engine: engine, store: store),
        maximumBodyBytes: configuration.maximumRequestBodyBytes,
        bodyBudget: BodyBudget(limit: configuration.bufferedBodyBudgetBytes))
    let connections = ConnectionLimit.raisingDescriptorLimit()
    var application = Application(
        responder: responder,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    connections.handler(), HTTP1Handlers(), RequestDeadline(limit: .seconds(configuration.idleTimeoutSeconds), reading: requestsBeingRead),
                    StalledReader(limit: .seconds(configuration.idleTimeoutSeconds)),
                    ExpectContinue(maximumBodyBytes: configuration.maximumRequestBodyBytes),
                ],
                idleTimeout: .seconds(configuration.idleTimeoutSeconds))),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SealQ"),
        onServerRunning: { channel in
            CloseOnExec.markOpenDescriptors()
            // The bound port, which differs from the configured one with --port 0.
            let port = channel.localAddress?.port ?? configuration.port
            let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
            Logger.lifecycle(of: logger).notice(
                "sealq listening",
                metadata: [
                    "address": "http://\(host):\(port)", "data.dir": "\(configuration.dataDirectory)",
                    "admin.credentials": "\(configuration.adminCredentialsPath)", "region": "\(configuration.region)",
                    "account.id": "\(configuration.accountId)", "connections.max": "\(connections.maximum)", "io.threads": "\(configuration.ioThreads)",
                    "disk.min_free_mb": "\(configuration.minimumFreeDiskBytes >> 20)",
                ])
        },
        logger: logger)
    // Services stop in the reverse of this order, each once the one after it has: the last audit
    // checkpoint is written before the write-ahead log is checkpointed and truncated (so no
    // frame, with its copies of deleted pages, outlives the daemon), and the lock goes last.
    // The audit checkpoints stop after the services that record events of their own (moves,
    // key deletions), so the shutdown checkpoint signs those too.
    application.addServices(
        DataDirectoryLockHolder(lock: dataLock),
        StorageCheckpoint(store: store, logger: logger),
        AuditCheckpointService(log: audit, logger: logger),
        MaintenanceService(engine: engine, logger: logger),
        MoveTaskService(engine: engine, logger: logger),
        KeyMaintenanceService(keys: keys, recorder: recorder, dataDirectory: configuration.dataDirectory, logger: logger),
        AccessKeyJournalService(administration: accessKeyAdministration, logger: logger),
        StorageHeadroomService(store: store))
    return (application, engine)
}

/// Whether an earlier start set the data directory up (its audit log has a signing key).
private func wasSetUp(_ configuration: ServerConfiguration) -> Bool {
    FileManager.default.fileExists(atPath: configuration.dataDirectory + "/audit-signing.key")
}

/// The key that authenticates receipt handles, made on the first start. Once the data directory
/// is set up it is never made anew unasked (`lost`): every handle consumers hold would stop working.
private func receiptHandleKey(of configuration: ServerConfiguration, lost: Bool) throws -> [UInt8] {
    let path = configuration.receiptKeyPath
    if lost {
        throw StartRefusal(
            description: """
                \(path) is missing, but \(configuration.dataDirectory) was set up: restore it from a backup, or make a new \
                one (head -c 32 /dev/urandom > \(path); chmod 600 \(path)), after which the receipt handles given out \
                before stop working
                """)
    }
    return try SecretFiles.readOrCreate(path, length: 32) { SecureRandom.bytes(32) }
}

/// A data directory that was set up (its audit log has a signing key) must still have its
/// database: a new, empty one would silently stand in for every queue, key and event.
private func requireDatabase(of configuration: ServerConfiguration) throws {
    let path = configuration.databasePath
    // Named here: SQLite's own error names neither the file nor the cause.
    if access(path, F_OK) == 0 && access(path, W_OK) != 0 {
        throw StartRefusal(
            description: "\(path) cannot be written (\(String(cString: strerror(errno)))): every call writes its audit record there")
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    guard size ?? 0 == 0, wasSetUp(configuration) else { return }
    throw StartRefusal(
        description: """
            \(path) is \(size == nil ? "missing" : "empty"), but \(configuration.dataDirectory) was set up: restore the database \
            from a backup, or start on an empty data directory
            """)
}

/// The data directory's files that hold secrets, or what secrets protect, put back to mode 0600
/// at every start: a chmod or a restore from a backup may have opened them to others. (The root
/// key file is refused instead: it lives outside the data directory and is the operator's.)
private func secretFiles(of configuration: ServerConfiguration) -> [String] {
    ["", "-wal", "-shm"].map { configuration.databasePath + $0 }
        + [configuration.adminCredentialsPath, configuration.receiptKeyPath]
        + ["audit-signing.key", "access-keys.key", "access-keys.json", "access-keys.journal"].map { configuration.dataDirectory + "/" + $0 }
}

extension Logger {
    /// `logger`, but writing notices whatever `--log-level` asks: the lines that say where the
    /// daemon listens (with `--port 0`, the only way to learn its port) and that it stopped.
    static func lifecycle(of logger: Logger) -> Logger {
        var lifecycle = logger
        if lifecycle.logLevel > .notice { lifecycle.logLevel = .notice }
        return lifecycle
    }
}

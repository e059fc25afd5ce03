import Hummingbird
import Logging
import Prometheus
import QueueEngine
import SQSWire
import SealCrypto
import ServiceLifecycle
import Storage

/// Builds the SealQ application: storage, engine, request path, HTTP server and background
/// services. `sealq serve` runs it; tests can build it with their own configuration.
public func buildApplication(
    configuration: ServerConfiguration, registry: PrometheusCollectorRegistry, logger: Logger
) async throws -> some ApplicationProtocol {
    try SecretFiles.ensureDirectory(configuration.dataDirectory)
    let store = try SQLiteMessageStore(path: configuration.databasePath, logger: logger)
    let receiptKey = try SecretFiles.readOrCreate(configuration.receiptKeyPath) { SecureRandom.bytes(32) }
    let engine = QueueEngine(
        configuration: .init(accountId: configuration.accountId, region: configuration.region), store: store,
        time: SystemTimeSource(), receiptAuthenticator: HMACReceiptAuthenticator(key: receiptKey), logger: logger)
    try await engine.start()
    let admin = try AdminCredentials.resolve(configuration)
    let pipeline = RequestPipeline(
        decoder: SQSRequestDecoder(accountId: configuration.accountId),
        authenticator: Authenticator(directory: PrincipalDirectory(admin: admin, accountId: configuration.accountId)),
        authorizer: Authorizer(accountId: configuration.accountId),
        executor: SQSExecutor(engine: engine),
        recorder: RequestRecorder(logger: logger),
        encoder: SQSResponseEncoder(accountId: configuration.accountId),
        logger: logger)
    let responder = SealQResponder(
        pipeline: pipeline, metrics: MetricsEndpoint(registry: registry, engine: engine),
        maximumBodyBytes: configuration.maximumRequestBodyBytes)
    let address = "http://\(configuration.host):\(configuration.port)"
    var application = Application(
        responder: responder,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "SealQ"),
        onServerRunning: { _ in
            logger.notice(
                "sealq listening",
                metadata: [
                    "address": "\(address)", "data.dir": "\(configuration.dataDirectory)",
                    "admin.credentials": "\(configuration.adminCredentialsPath)", "region": "\(configuration.region)",
                    "account.id": "\(configuration.accountId)",
                ])
        },
        logger: logger)
    application.addServices(
        MaintenanceService(engine: engine, logger: logger),
        ShutdownHook(engine: engine, store: store, logger: logger))
    return application
}

/// On graceful shutdown: answers waiting long polls with empty results and checkpoints the WAL.
struct ShutdownHook: Service {
    let engine: QueueEngine
    let store: SQLiteMessageStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        engine.shutdown()
        do {
            try store.checkpoint()
        } catch {
            logger.warning("checkpoint at shutdown failed", metadata: ["error": "\(error)"])
        }
        logger.notice("sealq stopped")
    }
}

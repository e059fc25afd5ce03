import Foundation
import KeyService
import Logging
import SealCrypto
import Storage
import Synchronization
import Testing

@testable import QueueEngine

/// A clock the test moves by hand.
final class ManualClock: TimeSource {
    private let current: Mutex<Int64>

    init(startingAt milliseconds: Int64 = 1_700_000_000_000) {
        current = Mutex(milliseconds)
    }

    func nowMilliseconds() -> Int64 {
        current.withLock { $0 }
    }

    func advance(seconds: Double) {
        current.withLock { $0 += Int64((seconds * 1000).rounded()) }
    }

    func advance(milliseconds: Int64) {
        current.withLock { $0 += milliseconds }
    }
}

/// A keyed tag for receipt handles: four FNV-1a lanes over key ‖ lane ‖ bytes ‖ key. Every byte
/// of the input changes every lane (each FNV step is a bijection), which is all the tests need.
struct TestReceiptAuthenticator: ReceiptAuthenticator {
    var key: [UInt8]

    func tag(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        for lane in UInt8(0)..<4 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in key + [lane] + bytes + key {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01B3
            }
            withUnsafeBytes(of: hash.bigEndian) { output += $0 }
        }
        return output
    }
}

let quietLogger = Logger(label: "sealq.tests") { _ in SwiftLogNoOpLogHandler() }
let testCaller = Caller(senderId: "AIDAEXAMPLESENDER", principalArn: "arn:aws:iam::000000000000:user/tester")
let receiptKey: [UInt8] = Array("queue-engine-tests-receipt-key!!".utf8)

/// The real envelope sealer over a key service kept in `store`; every key use is allowed
/// (authorization has its own tests, in the server's end-to-end suite).
func makeSealer(_ store: SQLiteMessageStore) async throws -> EnvelopeSealer {
    let keys = KeyService(
        configuration: .init(accountId: "000000000000", region: "us-east-1"), store: store.keyStore,
        rootKey: SecretBytes(copying: Array(repeating: UInt8(9), count: 32)), logger: quietLogger)
    try await keys.start()
    return EnvelopeSealer(keys: keys, authorize: { _ in })
}

/// An engine over the real SQLite store in memory, the real envelope sealer and a manual clock.
struct Harness {
    let clock: ManualClock
    let store: SQLiteMessageStore
    let engine: QueueEngine

    /// `sealer` may wrap the real sealer (to make some messages fail to open, say).
    init(
        clock: ManualClock = ManualClock(), store: SQLiteMessageStore? = nil,
        sealer: (EnvelopeSealer) -> any PayloadSealer = { $0 }
    ) async throws {
        self.clock = clock
        self.store = try store ?? SQLiteMessageStore.inMemory(logger: quietLogger)
        engine = QueueEngine(
            configuration: .init(accountId: "000000000000", region: "us-east-1"), store: self.store,
            sealer: sealer(try await makeSealer(self.store)), time: clock,
            receiptAuthenticator: TestReceiptAuthenticator(key: receiptKey), logger: quietLogger,
            contentDigest: { Hex.encode(Digest.sha256(Array($0.utf8))) })
        try await engine.start()
    }

    @discardableResult
    func createQueue(_ name: String = "q", _ attributes: [String: String] = [:], tags: [String: String] = [:]) async throws -> QueueRecord {
        try await engine.createQueue(name: name, attributes: attributes, tags: tags)
    }

    @discardableResult
    func send(
        _ body: String, to queue: String = "q", delay: Int? = nil, attributes: [String: MessageAttributeValue] = [:]
    ) async throws -> SentMessage {
        try await engine.sendMessage(
            queue: queue, OutgoingMessage(body: body, delaySeconds: delay, attributes: attributes), caller: testCaller)
    }

    func receive(
        from queue: String = "q", max: Int = 10, visibility: Int? = nil, system: [String] = [], attributes: [String] = []
    ) async throws -> [ReceivedMessage] {
        try await engine.receiveMessages(
            queue: queue,
            ReceiveRequest(
                maxNumberOfMessages: max, visibilityTimeout: visibility, waitTimeSeconds: 0, systemAttributeNames: system,
                messageAttributeNames: attributes), caller: testCaller)
    }

    /// (ApproximateNumberOfMessages, …NotVisible, …Delayed).
    func counts(_ queue: String = "q") async throws -> [Int] {
        let values = try await engine.queueAttributes(
            name: queue,
            names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"])
        return [
            Int(values["ApproximateNumberOfMessages"] ?? "") ?? -1,
            Int(values["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? -1,
            Int(values["ApproximateNumberOfMessagesDelayed"] ?? "") ?? -1,
        ]
    }

    func attribute(_ name: String, of queue: String = "q") async throws -> String? {
        try await engine.queueAttributes(name: queue, names: [name])[name]
    }
}

/// Runs `body` and checks that it throws an `SQSError` with `code`; returns the error.
@discardableResult
func expectSQSError(
    _ code: SQSError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> SQSError? {
    do {
        try await body()
        Issue.record("expected \(code.rawValue), but the call succeeded. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return nil
    } catch let error as SQSError {
        #expect(error.code == code, "\(error.message) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The same handle with one byte of its decoded form flipped, re-encoded as base64.
func tampered(_ handle: String, at index: Int) -> String {
    var bytes = [UInt8](Data(base64Encoded: handle) ?? Data())
    guard bytes.indices.contains(index) else { return handle }
    bytes[index] ^= 0x01
    return Data(bytes).base64EncodedString()
}

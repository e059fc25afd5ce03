import Foundation
import KeyService
import Logging
import SealCrypto
import Storage
import Synchronization

/// Seconds since the epoch, moved by the test.
final class TestClock: Sendable {
    let seconds = Mutex<Int64>(1_795_000_000)
}

/// A key service over an in-memory SQLite store with a clock the test moves.
final class KeyServiceHarness: Sendable {
    let store: SQLiteMessageStore
    let clock: TestClock
    let rootKey: [UInt8]
    let service: KeyService

    init(rootKey: [UInt8] = Array(repeating: 7, count: 32), store: SQLiteMessageStore? = nil, clock: TestClock = TestClock()) throws {
        self.rootKey = rootKey
        self.clock = clock
        self.store = try store ?? SQLiteMessageStore.inMemory(logger: Logger(label: "test"))
        let clock = self.clock
        service = KeyService(
            configuration: .init(accountId: "111122223333", region: "us-east-1"), store: self.store.keyStore,
            rootKey: SecretBytes(copying: rootKey), logger: Logger(label: "test"), now: { clock.seconds.withLock { $0 } })
    }

    /// A second service over the same store (a restart), optionally with another root key.
    func restarted(rootKey: [UInt8]? = nil) throws -> KeyServiceHarness {
        try KeyServiceHarness(rootKey: rootKey ?? self.rootKey, store: store, clock: clock)
    }

    func advance(days: Double) {
        clock.seconds.withLock { $0 += Int64(days * 86_400) }
    }
}

func expectKeyError(_ code: KeyServiceError.Code, _ body: () throws -> Void) -> Bool {
    do {
        try body()
        return false
    } catch let error as KeyServiceError {
        return error.code == code
    } catch {
        return false
    }
}

func expectKeyError(_ code: KeyServiceError.Code, _ body: () async throws -> Void) async -> Bool {
    do {
        try await body()
        return false
    } catch let error as KeyServiceError {
        return error.code == code
    } catch {
        return false
    }
}

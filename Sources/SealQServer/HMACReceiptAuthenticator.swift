import QueueEngine
import SealCrypto

/// Receipt-handle MACs: HMAC-SHA256 under a per-installation key kept in the data directory.
struct HMACReceiptAuthenticator: ReceiptAuthenticator {
    let key: [UInt8]

    func tag(_ bytes: [UInt8]) -> [UInt8] {
        HMAC.sha256(key: key, message: bytes)
    }
}

import SealCrypto

/// How fast SealCrypto's AEAD ciphers seal on one core (``AEADBenchmark``), for AES-256-GCM and
/// XChaCha20-Poly1305 at 1 KiB and 16 KiB messages, to set beside `openssl speed -evp aes-256-gcm`.
public struct AEADThroughput: Sendable, CustomStringConvertible {
    /// The message sizes measured, in bytes (also columns of `openssl speed`).
    public static let messageSizes = [1_024, 16_384]

    /// One cipher's sealing rates.
    public struct Row: Sendable {
        /// The cipher's name.
        public var cipher: String
        /// Plaintext bytes sealed per second, one per entry of ``AEADThroughput/messageSizes``.
        public var bytesPerSecond: [Double]
    }

    /// One row per cipher.
    public var rows: [Row]

    /// Measures each cipher at each message size for about `seconds`.
    public static func measure(seconds: Double = 1) -> AEADThroughput {
        AEADThroughput(
            rows: [AEAD.aes256GCM, AEAD.xChaCha20Poly1305].map { aead in
                Row(
                    cipher: aead.name,
                    bytesPerSecond: messageSizes.map {
                        AEADBenchmark.sealingBytesPerSecond(aead, messageSize: $0, seconds: seconds)
                    })
            })
    }

    /// A table in MB/s (10⁶ bytes per second) and the command to compare it with.
    public var description: String {
        let widths = [22] + Self.messageSizes.map { _ in 14 }
        func line(_ cells: [String]) -> String {
            "  " + zip(cells, widths).enumerated().map { column, cell in
                column == 0 ? TextFormat.left(cell.0, cell.1) : TextFormat.right(cell.0, cell.1)
            }.joined()
        }
        var lines = [
            "AEAD sealing on one core, MB/s (10^6 bytes/s), 64 bytes of associated data:",
            line(["cipher"] + Self.messageSizes.map { "\($0 / 1_024) KiB" }),
        ]
        for row in rows {
            lines.append(line([row.cipher] + row.bytesPerSecond.map { TextFormat.fixed($0 / 1e6) }))
        }
        lines.append(
            "  compare: openssl speed -evp aes-256-gcm   (its 1024 and 16384 bytes columns are in 1000s of bytes/s:"
                + " divide by 1,000 for MB/s)")
        return lines.joined(separator: "\n")
    }
}

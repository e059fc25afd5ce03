import AuditTrail
import Foundation
import Testing

@Suite("Gzip with deflate's fixed codes, for export and archive files")
struct GzipTests {
    /// Data of `count` bytes: an audit-like repeating text, or noise.
    private static func sample(_ count: Int, noise: Bool) -> [UInt8] {
        if noise {
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            return (0..<count).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        var text: [UInt8] = []
        var index = 0
        while text.count < count {
            text += Array(#"{"eventName":"SendMessage","requestID":"\#(index * 7919 % 100_003)","readOnly":false},"#.utf8)
            index += 1
        }
        return Array(text.prefix(count))
    }

    @Test(
        "Round trip for empty, small, long-run, beyond-window and incompressible data; damage is refused",
        arguments: [(0, false), (1, false), (2, false), (300, false), (1000, false), (70_000, false), (200_000, false),
                    (1000, true), (70_000, true)])
    func roundTrip(count: Int, noise: Bool) {
        let data = Self.sample(count, noise: noise)
        let file = Gzip.wrap(data)
        #expect(Gzip.unwrap(file) == data)
        #expect(Gzip.unwrap(Array(file.dropLast())) == nil)
        #expect(Gzip.unwrap(file + [0]) == nil, "nothing may follow the trailer")
        if count > 0 {
            // Bit 0 of each byte is in use (the last deflate byte may end in unused padding bits).
            for position in [10, file.count / 2, file.count - 9] {
                var flipped = file
                flipped[position] ^= 0x01
                #expect(Gzip.unwrap(flipped) == nil, "a flip at \(position)")
            }
        }
    }

    @Test("A trailer claiming less than the data inflates to is refused where the claim ends")
    func claimedSize() {
        let data = [UInt8](repeating: 0x41, count: 100_000)
        var file = Gzip.wrap(data)
        let size = file.count
        // Claim 1,000 bytes: the CRC would not match anyway, but inflating stops at the claim.
        file.replaceSubrange((size - 4)..<size, with: [0xE8, 0x03, 0, 0])
        #expect(Gzip.unwrap(file) == nil)
        file.replaceSubrange((size - 4)..<size, with: [0xFF, 0xFF, 0xFF, 0x7F])  // past the 1 GiB cap
        #expect(Gzip.unwrap(file) == nil)
    }

    @Test("Runs longer than a match, and a byte repeated 100,000 times")
    func runs() {
        let data = [UInt8](repeating: 0x41, count: 100_000) + Array("tail".utf8)
        let file = Gzip.wrap(data)
        #expect(file.count < 2_000)
        #expect(Gzip.unwrap(file) == data)
    }

    @Test("Audit-like JSON shrinks at least four times")
    func compresses() {
        let data = Self.sample(500_000, noise: false)
        let file = Gzip.wrap(data)
        #expect(file.count * 4 < data.count, "\(file.count) bytes for \(data.count)")
    }

    @Test("A file with stored blocks, as SealQ wrote them before, still reads")
    func storedBlocks() {
        let data = Self.sample(70_000, noise: true)
        var file: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            file += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            file += data[offset..<offset + count]
            offset += count
        } while offset < data.count
        let crc = Gzip.wrap(data).suffix(8)
        file += crc
        #expect(Gzip.unwrap(file) == data)
    }

    @Test("zlib's own fixed-code gzip reads; a dynamic-code one is refused, as documented")
    func independentEncoder() throws {
        // Python: zlib.compressobj(6, zlib.DEFLATED, 31, 8, zlib.Z_FIXED) over this text.
        let text = #"{"Records":["# + (0..<40).map { #"{"eventName":"SendMessage","n":\#($0)}"# }.joined(separator: ",") + "]}"
        let fixed = try #require(Self.bytes(hex: """
            1f8b0800000000000403ab560a4a4dce2f4a2956b28aae564a2d4bcd2bf14bcc4d55b2520a4ecd4bf14d2d2e4e4c4f55d251ca53b232a8d521a0c290\
            a00a23822a8c09aa3021a8c294a00a33822acc09aab020a8c29270881111a88443d59070b01a120e5743c2016b4838640d0907ad21e1b035241cb886\
            8443d78870e81a1191660987ae11e1d035221cba468443d78870e81a110e5d23c2a16b4438748d0987ae31e1d03526a248201cbac68443d79870e81a\
            130e5d63c2a16b4c38748d2d6b636b01e857edb27b050000
            """))
        #expect(Gzip.unwrap(fixed) == Array(text.utf8))
        // Python: zlib.compressobj(9, zlib.DEFLATED, 31) over the text five times: dynamic codes.
        let dynamic = try #require(Self.bytes(hex: """
            1f8b0800000000000203edd43d0ac2001044e1bb6c9dc2ddf53777d0424bb10866b13282119b90bb7b849756987eaa8fe14d76aefbebdd8fd65e27ab\
            6f0d9f53f72c6bed52437fac71ec1e658d0dd6aee606168e8bc045e2628d8b0d2eb6b8d8e1628f8b038b2d4065556756675767586759675a675b675c\
            67dd60dd58f059d60dd60dd60dd60dd60dd60dd60dd64dd64dd6cd054960dd64dd64dd64dd64dd64dd3cccb779527a955ea557e9557a955ea557e955\
            7a955ea557e9557a955ea557e9557a955ea557e9557aff3ebd3f6a586d90671b0000
            """))
        #expect(Gzip.unwrap(dynamic) == nil)
    }

    @Test("The CRC-32 of gzip: \"123456789\" is cbf43926")
    func crc() {
        // The CRC sits in the trailer, little-endian, before the size.
        let file = Gzip.wrap(Array("123456789".utf8))
        let crc = file[(file.count - 8)..<(file.count - 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(crc == 0xCBF4_3926)
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        return stride(from: 0, to: digits.count, by: 2).map { index in
            UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16)!
        }
    }
}

import AuditTrail
import Testing

@Suite("Gzip with stored blocks, for export files")
struct StoredGzipTests {
    @Test("Round trip for empty, small and multi-block data; damage and other compressions are refused", arguments: [0, 1, 1000, 70_000, 200_000])
    func roundTrip(count: Int) {
        let data = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let file = StoredGzip.wrap(data)
        #expect(StoredGzip.unwrap(file) == data)
        #expect(StoredGzip.unwrap(Array(file.dropLast())) == nil)
        if count > 0 {
            var flipped = file
            flipped[flipped.count / 2] ^= 1
            #expect(StoredGzip.unwrap(flipped) == nil)
        }
    }

    @Test("The CRC-32 of gzip: \"123456789\" is cbf43926")
    func crc() {
        // The CRC sits in the trailer, little-endian, before the size.
        let file = StoredGzip.wrap(Array("123456789".utf8))
        let crc = file[(file.count - 8)..<(file.count - 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        #expect(crc == 0xCBF4_3926)
    }
}

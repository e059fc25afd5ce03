/// FIFO sequence numbers in AWS's string form: a large decimal number that grows with every
/// message of a queue (SealQ uses its store sequence, zero-padded to 20 digits so the strings
/// also sort in order).
enum SequenceNumber {
    /// The string form of a store sequence number.
    static func format(_ sequence: Int64) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}

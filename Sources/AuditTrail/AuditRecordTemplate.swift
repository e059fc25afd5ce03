import SealCrypto

/// A CloudTrail record with its per-event values — eventTime, requestID, eventID and, for
/// records naming what a call made (the messages of a send), responseElements — left out: what
/// the log stores once for the many events that read alike (one caller sending to one queue),
/// each event then storing only those values.
///
/// Each left-out value is one marker byte: 0x01 for eventTime, 0x02 for requestID and 0x03 for
/// eventID, each between the value's quotes, and 0x04 in place of the whole responseElements
/// value. JSON allows no byte below 0x20 outside strings and escapes every one inside them, so a
/// marker can stand nowhere else, and the template is still UTF-8 text (SQL's `replace`
/// rebuilds records with it; see the `audit_records` view).
public struct AuditRecordTemplate: Sendable, Hashable {
    /// Marks the eventTime value.
    public static let eventTimeMarker: UInt8 = 0x01
    /// Marks the requestID value.
    public static let requestIDMarker: UInt8 = 0x02
    /// Marks the eventID value.
    public static let eventIDMarker: UInt8 = 0x03
    /// Marks the responseElements value (JSON, not a string).
    public static let responseElementsMarker: UInt8 = 0x04

    /// The record's bytes with markers in place of the three values.
    public let bytes: [UInt8]
    /// `SHA-256(bytes)`: the template's key in the store.
    public let hash: [UInt8]
    /// Where the markers stand in `bytes`, found once so each record is a few copies.
    private let markerOffsets: [Int]

    /// The template of `bytes`.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        hash = Digest.sha256(bytes)
        markerOffsets = bytes.indices.filter { (Self.eventTimeMarker...Self.responseElementsMarker).contains(bytes[$0]) }
    }

    /// The record of one event: the template with its values put in (`eventTime` formatted as
    /// CloudTrail writes it). The values are ids and a timestamp, so they need no escaping;
    /// `responseElements` is JSON already (`null` when nil).
    public func record(eventTime: Int64, requestID: String, eventID: String, responseElements: [UInt8]? = nil) -> [UInt8] {
        let time = AuditEvent.timestamp(eventTime)
        var record: [UInt8] = []
        record.reserveCapacity(
            bytes.count + time.utf8.count + requestID.utf8.count + eventID.utf8.count + (responseElements?.count ?? 4))
        var runStart = 0
        for index in markerOffsets {
            record.append(contentsOf: bytes[runStart..<index])
            switch bytes[index] {
            case Self.eventTimeMarker: record.append(contentsOf: time.utf8)
            case Self.requestIDMarker: record.append(contentsOf: requestID.utf8)
            case Self.eventIDMarker: record.append(contentsOf: eventID.utf8)
            default: record.append(contentsOf: responseElements ?? Array("null".utf8))
            }
            runStart = index + 1
        }
        record.append(contentsOf: bytes[runStart...])
        return record
    }
}

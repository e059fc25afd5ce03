import Foundation
import IdentityWire
import SealCrypto

/// IAM's paging (`Marker`, `MaxItems`, `IsTruncated`) over a listing sorted by a text key.
enum IAMPage {
    /// One page of `items` (ascending by `key`): after the item the marker names, at most
    /// `maxItems` (default 100), and the marker of the next page when there is one. The marker
    /// carries a digest of `scope` (the listing it belongs to, however long), so a marker from
    /// another listing is refused (`InvalidInput`), and it names an item, so removing that item
    /// does not end the listing. It stays within IAM's 320 characters for keys of up to 200.
    static func of<Item>(
        _ items: [Item], key: (Item) -> String, scope: String, marker: String?, maxItems: Int?
    ) throws(IdentityError) -> (items: [Item], nextMarker: String?) {
        let prefix = String(Hex.encode(Digest.sha256(Array(scope.utf8))).prefix(16)) + "\u{0}"
        var start = 0
        if let marker {
            guard let data = Data(base64Encoded: marker), let decoded = String(data: data, encoding: .utf8), decoded.hasPrefix(prefix) else {
                throw .invalidInput("Invalid Marker.")
            }
            let last = decoded.dropFirst(prefix.count)
            start = items.firstIndex { key($0) > last } ?? items.count
        }
        let end = min(items.count, start + (maxItems ?? 100))
        let next = end < items.count ? Data((prefix + key(items[end - 1])).utf8).base64EncodedString() : nil
        return (Array(items[start..<end]), next)
    }
}

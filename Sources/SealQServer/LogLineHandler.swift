import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Writes the daemon's log to standard error one line per event, in swift-log's usual layout
/// (`time level label: key=value … [source] message`), with each value that a reader could
/// not tell apart quoted: a value with a space, a quote, an `=` or a backslash, or an empty
/// one, is written in double quotes with `"` and `\` escaped. Control, line-separator and
/// format characters are escaped in values and messages alike, so no value (a path, an error's text) can end a line early
/// and forge the next one.
public struct LogLineHandler: LogHandler {
    private let label: String
    /// Metadata set on the logger itself.
    public var metadata: Logger.Metadata = [:]
    /// Metadata added to every event from the task-local provider, if one is set.
    public var metadataProvider: Logger.MetadataProvider?
    /// Events below this level are dropped.
    public var logLevel: Logger.Level = .info

    /// A handler for the logger labelled `label`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    /// Metadata set on the logger under `key`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event as one line, at once (nothing is buffered).
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let fields = merged.sorted { $0.key < $1.key }.map { " \(Self.escaped($0.key))=\(Self.quoted("\($0.value)"))" }.joined()
        let text = "\(Self.timestamp()) \(event.level) \(label):\(fields) [\(event.source)] \(Self.escaped(event.message.description))\n"
        Self.writeLock.withLock { _ in
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
                if written > 0 {
                    bytes = bytes.dropFirst(written)
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return  // standard error is gone: the event is dropped, as swift-log's handler drops it
                }
            }
        }
    }

    /// Keeps the lines of concurrent events whole.
    private static let writeLock = Mutex(())

    /// `value` as it can be read back: bare when it holds nothing that separates fields, else
    /// in double quotes with quotes and backslashes escaped.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && !value.unicodeScalars.contains { scalar in
            scalar == "\"" || scalar == "=" || scalar == "\\" || scalar.properties.isWhitespace
                || Self.mustEscape(scalar)
        }
        if plain { return value }
        let inner = escaped(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))
        return "\"\(inner)\""
    }

    /// `text` with its control, separator and format characters written as `\n`, `\r`, `\t` or `\u{…}`.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: mustEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if mustEscape(scalar) {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Control characters, line and paragraph separators (U+2028, U+2029: line breaks to some
    /// readers) and format characters (U+202E reverses what follows on screen).
    static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .format: true
        default: false
        }
    }

    /// The local time to the second with its offset, as swift-log's stream handler writes it.
    private static func timestamp() -> String {
        var buffer = [Int8](repeating: 0, count: 255)
        var seconds = time(nil)
        var local = tm()
        localtime_r(&seconds, &local)
        strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}

import NIOCore
import NIOHTTP1

/// Ends connections as HTTP/1 says where the server below falls short. It sits where requests
/// still carry their HTTP version (see `HTTP1Handlers`) and:
/// - closes the connection after answering a request that does not keep it alive: HTTP/1.0
///   without `keep-alive`, or a `close` option in any case and list (`Close`,
///   `keep-alive, close`; RFC 9112, sections 9.3 and 9.6), the answer saying `Connection: close`;
/// - closes it after an answer that itself says `Connection: close` (a request refused before
///   its body, which the client then never sends);
/// - sends no `100 Continue` to an HTTP/1.0 client (RFC 9110, section 15.2: "A server MUST NOT
///   send a 1xx response to an HTTP/1.0 client");
/// - answers `400 Bad Request` to an HTTP/1.1 request without a `Host` header, with more than one,
///   or with one that is no host (RFC 9112, section 3.2: a server "MUST respond with a 400"),
///   and closes: the request goes no further, nor does anything the client sends after it. The
///   answer waits for those of the requests before it, so answers stay in order.
final class ConnectionClose: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A request not answered yet.
    private struct Unanswered {
        var isHTTP10: Bool
        var closesConnection: Bool
        /// Whether the request has been read to its end.
        var isRead = false
        /// Refused for its `Host` header: answered here, never passed on.
        var isRefused = false
    }

    /// Requests not answered yet, oldest first (answers go out in that order).
    private var unanswered: [Unanswered] = []
    /// Set once a request is refused: what the client sends after it is dropped.
    private var discarding = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !discarding else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.version == .http1_1 && !Self.hasOneValidHost(head.headers) {
                discarding = true
                unanswered.append(Unanswered(isHTTP10: false, closesConnection: true, isRefused: true))
                if unanswered.count == 1 { refuse(context: context) }
                return
            }
            unanswered.append(Unanswered(isHTTP10: head.version == .http1_0, closesConnection: !head.isKeepAlive))
        case .body:
            break
        case .end:
            if let reading = unanswered.firstIndex(where: { !$0.isRead }) { unanswered[reading].isRead = true }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code < 200:
            if unanswered.first?.isHTTP10 == true {
                promise?.succeed(())
                return
            }
            context.write(data, promise: promise)
        case .head(var head):
            if unanswered.first?.closesConnection == true {
                head.headers.replaceOrAdd(name: "connection", value: "close")
            } else if !head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "close" }) {
                context.write(data, promise: promise)
                return
            }
            if !unanswered.isEmpty { unanswered[0].closesConnection = true }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            guard let answered = unanswered.first, answered.closesConnection else {
                if !unanswered.isEmpty { unanswered.removeFirst() }
                context.write(data, promise: promise)
                if unanswered.first?.isRefused == true { refuse(context: context) }
                return
            }
            unanswered.removeFirst()
            // A request read in full leaves nothing to read: the connection closes. One refused
            // before its body was read has only its output closed (RFC 9112, section 9.6: a
            // staged close), so a client still sending that body reads its answer instead of a
            // reset; the request deadline or the idle timeout ends the rest.
            let mode: CloseMode = answered.isRead ? .all : .output
            let written = promise ?? context.eventLoop.makePromise()
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(mode: mode, promise: nil) }
            context.write(data, promise: written)
        }
    }

    /// Answers the refused request at the front of `unanswered` with 400 and closes the
    /// connection once it is written (its own reading is not waited for: it is dropped).
    private func refuse(context: ChannelHandlerContext) {
        unanswered.removeFirst()
        let body = "An HTTP/1.1 request needs exactly one Host header naming a host.\n"
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain")
        headers.add(name: "content-length", value: String(body.utf8.count))
        headers.add(name: "connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// Whether `headers` hold exactly one `Host`, and it is empty (RFC 9112 allows that when the
    /// target has no authority) or a host and optional port (RFC 3986's `host [ ":" port ]`): an
    /// IP literal in brackets or a name, with no user information, path or white space.
    static func hasOneValidHost(_ headers: HTTPHeaders) -> Bool {
        let values = headers.filter { $0.name.lowercased() == "host" }
        guard values.count == 1 else { return false }
        // Without the white space around a field's value, which is no part of it (RFC 9110, section 5.5).
        var host = Array(values[0].value.utf8)[...]
        while let first = host.first, first == 0x20 || first == 0x09 { host = host.dropFirst() }
        while let last = host.last, last == 0x20 || last == 0x09 { host = host.dropLast() }
        if let colon = host.lastIndex(of: UInt8(ascii: ":")), host.last != UInt8(ascii: "]") {
            guard host[(colon + 1)...].allSatisfy(isDigit) else { return false }
            host = host[..<colon]
        }
        if host.first == UInt8(ascii: "[") {
            guard host.count > 2, host.last == UInt8(ascii: "]") else { return false }
            // An IPv6 or IPvFuture literal, with an RFC 6874 zone id (`%25eth0`) if any.
            return host.dropFirst().dropLast().allSatisfy { isDigit($0) || isLetter($0) || literalSymbols.contains($0) }
        }
        return host.allSatisfy { isDigit($0) || isLetter($0) || nameSymbols.contains($0) }
    }

    /// What a host name may hold besides letters and digits: RFC 3986's unreserved marks,
    /// sub-delimiters and `%` of percent-encoding.
    private static let nameSymbols = Set("-._~!$&'()*+,;=%".utf8)

    /// What an IP literal may hold besides letters and digits.
    private static let literalSymbols = Set(":.%-_~!$&'()*+,;=".utf8)

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    private static func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte | 0x20) }
}

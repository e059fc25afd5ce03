import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage plus the peer address and connection.
public struct SealQRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The connected client's address.
    public let remoteAddress: SocketAddress?
    /// The connection the request arrived on.
    public let channel: any Channel

    /// Creates the context for a request arriving on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }
}

import NIOCore

/// A timer that closes a connection when it fires, unless it is cancelled first: the one
/// deadline each of `RequestDeadline` and `StalledReader` keeps per connection.
struct ConnectionTimer {
    private var expiry: Scheduled<Void>?

    /// (Re)starts the timer: `context`'s connection closes in `limit`.
    mutating func start(_ limit: TimeAmount, _ context: ChannelHandlerContext) {
        cancel()
        let channel = context.channel
        expiry = context.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
    }

    /// Stops the timer, if it runs.
    mutating func cancel() {
        expiry?.cancel()
        expiry = nil
    }
}

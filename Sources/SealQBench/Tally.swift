import NIOCore

/// What the connections of one event loop have done so far in a phase.
struct Tally: Sendable {
    /// Requests answered within the phase.
    var requests = 0
    /// Non-2xx answers, transport errors, and failed entries of batch answers.
    var errors = 0
    /// The first error seen, to be shown once.
    var firstError: String?
    /// Messages the server accepted.
    var sent = 0
    /// `ReceiveMessage` requests answered with a readable 2xx answer.
    var receives = 0
    /// Of those, the ones that returned no message.
    var emptyReceives = 0
    /// Messages received.
    var received = 0
    /// Received FIFO messages that were not the next of their group (also counted as errors).
    var outOfOrder = 0
    /// Received messages whose deletion the server confirmed.
    var deleted = 0
    /// Deleted messages that were sent during the measured phase: complete send → receive → delete trips.
    var roundTrips = 0
    /// Latency of every answered request.
    var latency = LatencyHistogram()
    /// Latency of the answered `ReceiveMessage` requests alone.
    var receiveLatency = LatencyHistogram()
    /// When the last counted answer arrived.
    var lastAnswer: NIODeadline?
    /// When the last `ReceiveMessage` answer holding messages arrived.
    var lastReceipt: NIODeadline?

    /// Counts one error, keeping its description if it is the first.
    mutating func recordError(_ description: @autoclosure () -> String) {
        errors += 1
        if firstError == nil { firstError = description() }
    }

    /// Adds everything `other` counted.
    mutating func merge(_ other: Tally) {
        requests += other.requests
        errors += other.errors
        firstError = firstError ?? other.firstError
        sent += other.sent
        receives += other.receives
        emptyReceives += other.emptyReceives
        received += other.received
        outOfOrder += other.outOfOrder
        deleted += other.deleted
        roundTrips += other.roundTrips
        latency.merge(other.latency)
        receiveLatency.merge(other.receiveLatency)
        lastAnswer = [lastAnswer, other.lastAnswer].compactMap { $0 }.max()
        lastReceipt = [lastReceipt, other.lastReceipt].compactMap { $0 }.max()
    }
}

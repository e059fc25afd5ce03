import NIOCore
import NIOHTTP1
import NIOPosix

/// Many keep-alive connections loading the daemon at once until a deadline, a request budget or
/// their workloads run out, with a progress line on stderr every second.
struct LoadPhase: Sendable {
    /// The result of a phase.
    struct Outcome: Sendable {
        /// Everything the connections counted.
        let tally: Tally
        /// From the start signal to the last counted answer.
        let elapsed: Duration
        /// From the start signal to the last `ReceiveMessage` answer that held messages; nil if none did.
        let lastReceiptAfter: Duration?
    }

    /// Shown at the start of each progress line.
    let name: String
    let endpoint: BenchmarkEndpoint
    let connections: Int
    /// How long the phase lasts; nil to run until the workloads are done.
    let duration: Duration?
    /// The most requests of the whole phase, shared evenly by the connections.
    let requestLimit: Int?
    /// When set, progress shows sent messages out of this many.
    let messageGoal: Int?
    /// Makes the workload of connection `index`; called on that connection's event loop.
    let makeWorkload: @Sendable (_ index: Int) -> any ConnectionWorkload

    private static let connectTimeout = TimeAmount.seconds(5)
    /// With no answer for this long before the deadline, the server is considered stuck.
    private static let stallLimit = Duration.seconds(15)
    /// Connections still waiting this long after the deadline are closed.
    private static let grace = Duration.seconds(10)

    /// Connects every connection, starts them together and waits until they are all closed.
    func run(on group: MultiThreadedEventLoopGroup) async throws -> Outcome {
        let loops = Array(group.makeIterator())
        let tallies = loops.map { NIOLoopBoundBox.makeBoxSendingValue(Tally(), eventLoop: $0) }
        let channels = try await connect(loops: loops, tallies: tallies)
        let start = NIODeadline.now()
        let deadline = duration.map { start + TimeAmount($0) } ?? .distantFuture
        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(LoadStart(deadline: deadline)) }

        let allClosed = EventLoopFuture.andAllComplete(channels.map(\.closeFuture), on: loops[0])
        let stalledFor = await withTaskGroup(of: Duration?.self) { watchers in
            watchers.addTask { await watch(channels: channels, tallies: tallies, start: start, deadline: deadline) }
            try? await allClosed.get()
            watchers.cancelAll()
            return await watchers.next() ?? nil
        }
        if let stalledFor { throw BenchmarkError.serverStalled(seconds: Int(TextFormat.seconds(stalledFor))) }
        let tally = try await Self.total(of: tallies)
        let end = tally.lastAnswer ?? min(deadline, .now())
        return Outcome(
            tally: tally, elapsed: Duration(end - start),
            lastReceiptAfter: tally.lastReceipt.map { Duration($0 - start) })
    }

    private func connect(loops: [any EventLoop], tallies: [NIOLoopBoundBox<Tally>]) async throws -> [any Channel] {
        let connecting = (0..<connections).map { index in
            let tally = tallies[index % loops.count]
            let budget = requestLimit.map { $0 / connections + (index < $0 % connections ? 1 : 0) } ?? .max
            let makeWorkload = makeWorkload
            return ClientBootstrap(group: loops[index % loops.count])
                .connectTimeout(Self.connectTimeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = LoadChannelHandler(workload: makeWorkload(index), tally: tally, budget: budget)
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: endpoint.host, port: endpoint.port)
        }
        let results = try await EventLoopFuture.whenAllComplete(connecting, on: loops[0]).get()
        let channels = results.compactMap { try? $0.get() }
        if let failure = results.lazy.compactMap({ result -> (any Error)? in
            if case .failure(let error) = result { error } else { nil }
        }).first {
            for channel in channels { channel.close(promise: nil) }
            throw BenchmarkError.unreachable(endpoint, "\(failure)")
        }
        return channels
    }

    /// Prints progress every second; closes every channel when the server stalls (returning how long
    /// it has been silent) or when the grace period after the deadline is over (returning nil).
    private func watch(
        channels: [any Channel], tallies: [NIOLoopBoundBox<Tally>], start: NIODeadline, deadline: NIODeadline
    ) async -> Duration? {
        var previous = (tally: Tally(), time: start)
        var lastProgress = start
        while (try? await Task.sleep(for: .seconds(1))) != nil {
            guard let tally = try? await Self.total(of: tallies) else { return nil }
            let now = NIODeadline.now()
            printProgress(tally, since: previous, now: now, start: start)
            if tally.requests != previous.tally.requests { lastProgress = now }
            previous = (tally, now)
            let silence = Duration(now - lastProgress)
            let stalled = now < deadline ? silence >= Self.stallLimit : tally.requests == 0
            if stalled || now >= deadline + TimeAmount(Self.grace) {
                for channel in channels { channel.close(promise: nil) }
                return stalled ? silence : nil
            }
        }
        return nil
    }

    private func printProgress(
        _ tally: Tally, since previous: (tally: Tally, time: NIODeadline), now: NIODeadline, start: NIODeadline
    ) {
        let rate = Double(tally.requests - previous.tally.requests) / TextFormat.seconds(Duration(now - previous.time))
        var line = "[\(name)] \(Int(TextFormat.seconds(Duration(now - start))))s"
            + "  \(TextFormat.grouped(tally.requests)) requests  \(TextFormat.fixed(rate, decimals: 0)) req/s"
            + "  \(TextFormat.grouped(tally.errors)) errors"
        if let messageGoal {
            line += "  \(TextFormat.grouped(tally.sent))/\(TextFormat.grouped(messageGoal)) messages sent"
        }
        StandardError.print(line)
    }

    private static func total(of tallies: [NIOLoopBoundBox<Tally>]) async throws -> Tally {
        var total = Tally()
        for box in tallies {
            total.merge(try await box.eventLoop.submit { box.value }.get())
        }
        return total
    }
}

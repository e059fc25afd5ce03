import NIOCore

/// The requests one connection makes and what it makes of the answers.
///
/// A workload lives on its connection's event loop and is never shared.
protocol ConnectionWorkload: AnyObject {
    /// The next request, or nil when this connection has nothing more to do.
    func nextRequest() -> BenchRequest?
    /// Counts what a 2xx answer to the last request says.
    func accept(_ body: ByteBuffer, into tally: inout Tally)
    /// Forgets the last request: it failed.
    func requestFailed()
}

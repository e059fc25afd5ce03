/// A stored audit event as LookupEvents first sees it, before its record is read: events made
/// from one template (one caller, action and resource) match the same lookup attributes but
/// eventId, so a lookup judges a template once instead of parsing every record.
public struct AuditLookupCandidate: Sendable, Equatable {
    /// The event's position in the log.
    public var position: Int64
    /// Its eventTime, ms since the epoch.
    public var eventTime: Int64
    /// Its eventID.
    public var eventID: String
    /// The template its record is made from; nil for an event stored whole (before templates).
    public var templateId: Int64?

    /// A candidate.
    public init(position: Int64, eventTime: Int64, eventID: String, templateId: Int64?) {
        self.position = position
        self.eventTime = eventTime
        self.eventID = eventID
        self.templateId = templateId
    }
}

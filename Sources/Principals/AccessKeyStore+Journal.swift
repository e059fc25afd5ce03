import Foundation

extension AccessKeyStore {
    /// One key's entry before and after a change: what an undo puts back, and what it checks
    /// is still there first.
    public struct Change: Sendable, Codable, Equatable {
        /// The key changed.
        public var accessKeyId: String
        var before: StoredKey?
        var after: StoredKey?

        /// The key as the change left it; nil when it deleted the key.
        public var metadata: AccessKeyMetadata? { after?.metadata }
        /// The key as it was; nil when the change created it.
        public var previous: AccessKeyMetadata? { before?.metadata }
    }

    /// A change the daemon made and has not settled (recorded, or undone) yet, kept in
    /// `access-keys.journal` (mode 0600, sealed secrets only) so that a daemon killed in between
    /// can tell at its next start whether to keep the change or take it back.
    public struct Journal: Sendable, Codable, Equatable {
        /// What the daemon tagged the change with: the id of the request that made it.
        public var tag: String
        /// The change.
        public var change: Change
    }

    /// Takes `change` back, if the key is still as the change left it, revision included:
    /// returns false, and changes nothing, when any write named the key since (a later change,
    /// or the CLI, even one that left it as it was). A deleted key is only put back while no key
    /// has its id. What it puts back gets a new revision, so no stale undo matches it again.
    @discardableResult
    public func undo(_ change: Change) throws -> Bool {
        try update { keys in
            let index = keys.firstIndex { $0.metadata.accessKeyId == change.accessKeyId }
            let current = index.map { keys[$0] }
            // A build from before revisions rewrites the file without them: then the key's
            // content is all there is to compare.
            let unchanged =
                if let current, current.revision == nil, let after = change.after {
                    current.metadata == after.metadata && current.sealedSecret == after.sealedSecret
                } else {
                    current == change.after
                }
            guard unchanged else { return false }
            let revision = max(change.before?.revision ?? 0, change.after?.revision ?? 0)
            switch (index, change.before) {
            case (let index?, let before?): keys[index] = before.touched(after: revision)
            case (let index?, nil): keys.remove(at: index)
            case (nil, let before?): keys.append(before.touched(after: revision))
            case (nil, nil): break
            }
            return true
        }
    }

    /// Forgets the journal: its change is recorded, or undone.
    public func settle() throws {
        guard unlink(journalPath) == 0 || errno == ENOENT else {
            throw Failure(description: "cannot remove \(journalPath)")
        }
    }

    /// Whether the journal holds a change (a look at the file, without reading it).
    public var hasUnsettledChange: Bool {
        access(journalPath, F_OK) == 0
    }

    /// The change a daemon left unsettled when it stopped, if any.
    public func unsettledChange() throws -> Journal? {
        guard let bytes = try SecretFiles.read(journalPath) else { return nil }
        guard let journal = try? JSONDecoder().decode(Journal.self, from: Data(bytes)) else {
            throw Failure(description: "\(journalPath) is not an access key journal: restore it, or remove it to keep the key file as it is")
        }
        return journal
    }
}

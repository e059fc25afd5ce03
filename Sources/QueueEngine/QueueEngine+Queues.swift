import Foundation

extension QueueEngine {
    /// CreateQueue: creates the queue, or returns the existing one when the given attributes match it.
    public func createQueue(name: String, attributes: [String: String], tags: [String: String]) async throws -> QueueRecord {
        var settings = QueueSettings()
        try settings.apply(attributes, creating: true)
        try Self.checkQueueName(name, fifo: settings.fifoQueue)
        try Self.checkTags(tags)
        // Malformed policies are refused before the attributes are compared with an existing
        // queue's; whether the dead-letter queue exists and allows this source is checked after.
        if let text = settings.redrivePolicy { _ = try RedrivePolicy(json: text) }
        if let text = settings.redriveAllowPolicy { _ = try RedriveAllowPolicy(json: text) }
        if let existing = catalog.queue(named: name) { return try Self.matching(existing, attributes) }
        try Self.checkTagCase(tags)
        try checkRedrive(settings, queueName: name, attributes: attributes)
        return try await queueChanges.run(name) {
            let now = time.nowMilliseconds()
            let spaceKey = try sealer.makeSpaceKey(queueArn: queueArn(name))
            switch try await store.createQueue(
                name: name, settings: settings, tags: tags, now: now, deletedAfter: now - 60_000, spaceKey: spaceKey)
            {
            case .created(let record):
                catalog.upsert(record)
                startCounters(of: record)
                logger.info("queue created", metadata: ["queue.name": "\(name)"])
                return record
            case .exists(let record):
                catalog.upsert(record)
                return try Self.matching(record, attributes)
            case .deletedRecently:
                throw SQSError(
                    .queueDeletedRecently,
                    "You must wait 60 seconds after deleting a queue before you can create another with the same name.")
            }
        }
    }

    /// GetQueueUrl: the queue's record (the wire builds the URL).
    public func getQueue(name: String) throws(SQSError) -> QueueRecord {
        try requireQueue(name)
    }

    /// ListQueues: names with the prefix, sorted, paginated when `maxResults` is given.
    public func listQueues(prefix: String?, maxResults: Int?, nextToken: String?) throws(SQSError) -> QueueListing {
        let after = try Self.pagingStart(maxResults: maxResults, nextToken: nextToken)
        let (names, more) = catalog.names(prefix: prefix, after: after, limit: maxResults ?? 1000)
        return Self.listing(names, more: more, maxResults: maxResults)
    }

    /// One page of the sorted queue names `names`: all of them (up to 1,000) without
    /// `maxResults`, else `maxResults` (1–1,000) after the name the token carries, with a token
    /// for the rest.
    static func page(of names: [String], maxResults: Int?, nextToken: String?) throws(SQSError) -> QueueListing {
        let after = try pagingStart(maxResults: maxResults, nextToken: nextToken)
        let remaining = names.filter { name in after.map { name > $0 } ?? true }
        let pageSize = maxResults ?? 1000
        return listing(Array(remaining.prefix(pageSize)), more: remaining.count > pageSize, maxResults: maxResults)
    }

    /// A page of names, with a token naming its last when `more` follow and the caller paged
    /// (without MaxResults, AWS answers up to 1,000 names and no token).
    private static func listing(_ page: [String], more: Bool, maxResults: Int?) -> QueueListing {
        QueueListing(names: page, nextToken: maxResults != nil && more ? Data(page.last!.utf8).base64EncodedString() : nil)
    }

    /// Checks `maxResults` (1–1,000) and returns the queue name a page starts after: the one
    /// `nextToken` carries, if given.
    private static func pagingStart(maxResults: Int?, nextToken: String?) throws(SQSError) -> String? {
        if let maxResults, !(1...1000).contains(maxResults) {
            throw SQSError.invalidParameter("MaxResults", value: String(maxResults), reason: "MaxResults must be an integer between 1 and 1000.")
        }
        var after: String?
        if let nextToken {
            // A token names the last queue of its page, so it decodes to a queue name.
            guard let data = Data(base64Encoded: nextToken), let name = String(data: data, encoding: .utf8),
                (try? checkQueueName(name, fifo: name.hasSuffix(".fifo"))) != nil
            else {
                throw SQSError.invalidParameter("NextToken", value: nextToken, reason: "Invalid NextToken value.")
            }
            after = name
        }
        return after
    }

    /// DeleteQueue: removes the queue and its messages.
    public func deleteQueue(name: String) async throws {
        try await queueChanges.run(name) {
            let queue = try requireQueue(name)
            _ = try await store.deleteQueue(id: queue.id, now: time.nowMilliseconds())
            catalog.remove(named: name, id: queue.id)
            // Its move tasks go with it: a queue made later under the name lists none of them.
            moveTasks.forgetEnded(sourceArn: queueArn(name))
            try await store.forgetEndedMoveTasks(sourceArn: queueArn(name))
            sealer.forget(queueArn: queueArn(name))
            forgetCounters(of: name)
            inFlight.forget(space: queue.messageSpace)
            waiters.notifyAll(queueId: queue.id)
            logger.info("queue deleted", metadata: ["queue.name": "\(name)"])
        }
    }

    /// GetQueueAttributes: the requested attributes (none when none are named).
    public func queueAttributes(name: String, names requested: [String]) async throws -> [String: String] {
        let queue = try requireQueue(name)
        var wanted = Set<QueueAttributeName>()
        for text in requested {
            guard let attribute = QueueAttributeName(rawValue: text), !(attribute.isFifoOnly && !queue.settings.fifoQueue) else {
                throw SQSError(.invalidAttributeName, "Unknown Attribute \(text).")
            }
            if attribute == .all {
                wanted.formUnion(QueueAttributeName.allCases)
            } else {
                wanted.insert(attribute)
            }
        }
        var values = queue.settings.attributeValues()
        values[.queueArn] = queueArn(queue.name)
        values[.createdTimestamp] = String(queue.createdAt / 1000)
        values[.lastModifiedTimestamp] = String(queue.lastModifiedAt / 1000)
        let counters: Set<QueueAttributeName> = [
            .approximateNumberOfMessages, .approximateNumberOfMessagesNotVisible, .approximateNumberOfMessagesDelayed,
        ]
        if !wanted.isDisjoint(with: counters) {
            let counts = try await messageCounts(of: queue)
            values[.approximateNumberOfMessages] = String(counts.visible)
            values[.approximateNumberOfMessagesNotVisible] = String(counts.inFlight)
            values[.approximateNumberOfMessagesDelayed] = String(counts.delayed)
        }
        var result: [String: String] = [:]
        for attribute in wanted { if let value = values[attribute] { result[attribute.rawValue] = value } }
        return result
    }

    /// SetQueueAttributes: validates all values, then applies them together.
    public func setQueueAttributes(name: String, attributes: [String: String]) async throws {
        try await changeQueue(name) { queue in
            var settings = queue.settings
            try settings.apply(attributes, creating: false)
            try checkRedrive(settings, queueName: name, attributes: attributes)
            return (settings, queue.tags)
        }
    }

    /// PurgeQueue: drops every message at once; once per 60 seconds.
    public func purgeQueue(name: String) async throws {
        _ = try requireQueue(name)
        try await queueChanges.run(name) {
            let queue = try requireQueue(name)
            let now = time.nowMilliseconds()
            let tooSoon = SQSError(.purgeQueueInProgress, "Only one PurgeQueue operation on \(name) is allowed every 60 seconds.")
            if let last = queue.lastPurgeAt, now - last < 60_000 { throw tooSoon }
            let spaceKey = try sealer.makeSpaceKey(queueArn: queueArn(name))
            // Checked again in the purge's own transaction: of concurrent purges only one passes.
            switch try await store.purgeQueue(id: queue.id, now: now, spaceKey: spaceKey, notPurgedSince: now - 60_000 + 1) {
            case nil: throw SQSError.queueDoesNotExist
            case .purgedRecently?: throw tooSoon
            case .purged(let record)?: catalog.upsert(record)
            }
            inFlight.forget(space: queue.messageSpace)
            sealer.forget(queueArn: queueArn(name))
            logger.info("queue purged", metadata: ["queue.name": "\(name)"])
        }
    }

    /// TagQueue: adds or overwrites tags (at most 50 per queue).
    public func tagQueue(name: String, tags: [String: String]) async throws {
        _ = try requireQueue(name)
        guard !tags.isEmpty else { throw SQSError.missingParameter("Tags") }
        try await changeQueue(name) { queue in
            let merged = queue.tags.merging(tags) { $1 }
            try Self.checkTags(merged)
            try Self.checkTagCase(tags, beside: queue.tags)
            return (queue.settings, merged)
        }
    }

    /// UntagQueue: removes tags by key.
    public func untagQueue(name: String, keys: [String]) async throws {
        _ = try requireQueue(name)
        guard !keys.isEmpty else { throw SQSError.missingParameter("TagKeys") }
        try await changeQueue(name) { queue in
            var tags = queue.tags
            for key in keys { tags[key] = nil }
            return (queue.settings, tags)
        }
    }

    /// ListQueueTags: the queue's tags.
    public func queueTags(name: String) throws(SQSError) -> [String: String] {
        try requireQueue(name).tags
    }

    /// Applies `change` to the newest record of the queue `name` and stores the settings and
    /// tags it returns, with no other change to that queue in between (so concurrent changes
    /// each take effect, and none undoes another or brings a deleted queue back).
    func changeQueue(
        _ name: String, _ change: @Sendable (QueueRecord) throws -> (settings: QueueSettings, tags: [String: String])
    ) async throws {
        try await queueChanges.run(name) {
            let queue = try requireQueue(name)
            let (settings, tags) = try change(queue)
            // A FIFO queue's delay is retroactive (AWS's delay-queue guide): a new one retimes
            // the messages not received yet; a standard queue's applies to new messages only.
            let retimed = queue.settings.fifoQueue && settings.delaySeconds != queue.settings.delaySeconds
            guard
                let record = try await store.updateQueue(
                    id: queue.id, settings: settings, tags: tags, now: time.nowMilliseconds(),
                    retimedDelayMilliseconds: retimed ? Int64(settings.delaySeconds) * 1000 : nil)
            else { throw SQSError.queueDoesNotExist }
            catalog.upsert(record)
            if retimed { waiters.notifyAll(queueId: queue.id) }
        }
    }

    static func checkQueueName(_ name: String, fifo: Bool) throws(SQSError) {
        let stem = fifo && name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        let legal = !stem.isEmpty && name.utf8.count <= 80
            && stem.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
        if fifo && (!name.hasSuffix(".fifo") || !legal) {
            throw SQSError(
                .invalidParameterValue,
                "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
        }
        guard legal else {
            throw SQSError(
                .invalidParameterValue, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
    }

    static func checkTags(_ tags: [String: String]) throws(SQSError) {
        guard tags.count <= 50 else {
            throw SQSError(.invalidParameterValue, "Too many tags added for queue. The maximum number of tags per queue is 50.")
        }
        for (key, value) in tags {
            guard (1...128).contains(key.unicodeScalars.count), value.unicodeScalars.count <= 256 else {
                throw SQSError(
                    .invalidParameterValue,
                    "Tag keys must be 1 to 128 characters and tag values at most 256 characters.")
            }
            guard !key.lowercased().hasPrefix("aws:") else {
                throw SQSError(.invalidParameterValue, "Tag keys must not start with the reserved prefix aws:.")
            }
            guard isTagText(key), isTagText(value) else {
                throw SQSError(
                    .invalidParameterValue,
                    "Tag keys and values can contain only Unicode letters, digits, white space, and these characters: _ . : / = + - @")
            }
        }
    }

    /// Refuses new tag keys that differ only in case from each other or from `existing` ones:
    /// `aws:ResourceTag` conditions could not tell them apart. (Pairs a queue already has from an
    /// earlier release are left alone: a CreateQueue repeating them still finds the queue, and
    /// other tags can still be added.)
    static func checkTagCase(_ tags: [String: String], beside existing: [String: String] = [:]) throws(SQSError) {
        if let (first, second) = caseCollision(in: tags.keys, beside: existing.keys) {
            throw SQSError(
                .invalidParameterValue,
                "Tag keys \(first) and \(second) differ only in case: policies cannot tell them apart (aws:ResourceTag keys ignore case).")
        }
    }

    /// A key of `keys` that differs only in case from another of `keys` or from one of
    /// `existing` (which may collide among themselves), if any, with the key it collides with.
    public static func caseCollision(
        in keys: some Collection<String>, beside existing: some Collection<String> = [String]()
    ) -> (String, String)? {
        var seen: [String: String] = [:]
        for key in Set(existing).subtracting(keys).sorted() { seen[key.lowercased()] = key }
        for key in keys.sorted() {
            if let other = seen.updateValue(key, forKey: key.lowercased()) { return (other, key) }
        }
        return nil
    }

    /// Whether `text` holds only what AWS allows in tags: letters, digits, white space, `_.:/=+-@`
    /// (queue tags, and the key service's key tags).
    public static func isTagText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            let properties = scalar.properties
            return properties.isAlphabetic || properties.numericType != nil || properties.isWhitespace || "_.:/=+-@".unicodeScalars.contains(scalar)
        }
    }

    private static func matching(_ existing: QueueRecord, _ attributes: [String: String]) throws -> QueueRecord {
        // A policy stored before policies were kept canonical compares in its canonical form.
        var current = existing.settings
        current.redrivePolicy = RedrivePolicy.canonical(current.redrivePolicy)
        var candidate = current
        try candidate.apply(attributes, creating: true)
        guard candidate == current else {
            // Named: the attributes that would change the queue on their own, not every one given.
            let differing = attributes.keys.sorted().filter { name in
                var alone = current
                guard (try? alone.apply([name: attributes[name] ?? ""], creating: true)) != nil else { return true }
                return alone != current
            }
            throw SQSError(.queueNameExists, "A queue already exists with the same name and a different value for attribute(s) \(differing.joined(separator: ", ")).")
        }
        return existing
    }
}

import QueueEngine
import SQSWire

/// What an SQS call asks to do, for the authorize stage: the IAM action, the queue's ARN, its
/// Policy attribute and tags, and the tags the call itself sets or removes.
struct SQSAuthorizationTarget: Sendable {
    let engine: QueueEngine

    /// Actions the SQS API reference marks "Cross-account permissions don't apply to this
    /// action": only the queue owner's own identities may call them, so a queue policy's grant
    /// does not reach a caller from outside the account (here: an anonymous one).
    static let ownerOnlyActions: Set<SQSAction> = [
        .addPermission, .cancelMessageMoveTask, .createQueue, .deleteQueue, .listMessageMoveTasks, .listQueueTags, .listQueues,
        .removePermission, .setQueueAttributes, .startMessageMoveTask, .tagQueue, .untagQueue,
    ]

    /// The target of `request`, decoded as `action`, for a caller of this account (`anonymous`
    /// false) or an unauthenticated one.
    func target(of request: SQSRequest, action: SQSAction, anonymous: Bool) -> Authorizer.Target {
        let queueName: String?
        switch request {
        case .cancelMessageMoveTask(let handle):
            queueName = engine.moveTaskSourceArn(handle: handle).map(Self.name(inArn:))
        default:
            queueName = request.queueName
        }
        var target = queueTarget(action, queueName: queueName, anonymous: anonymous)
        switch request {
        case .createQueue(_, _, let tags), .tagQueue(_, let tags):
            target.requestTags = tags
            target.tagKeys = tags.keys.sorted()
        case .untagQueue(_, let keys):
            target.tagKeys = keys
        default:
            break
        }
        return target
    }

    /// What a call needs besides its own action, as the SQS Developer Guide's permissions
    /// reference lists them:
    /// - CreateQueue with tags also needs sqs:TagQueue;
    /// - a message move task receives, deletes and reads the attributes of the messages of its
    ///   source (the dead-letter queue) and sends them to its destination, or without one back to
    ///   every queue they came from; cancelling one needs the same rights on its source;
    /// - listing a queue's move tasks also needs sqs:GetQueueAttributes.
    func companions(of request: SQSRequest, anonymous: Bool) async throws -> [Authorizer.Target] {
        let sourceRights: [SQSAction] = [.receiveMessage, .deleteMessage, .getQueueAttributes]
        switch request {
        case .createQueue(let name, _, let tags) where !tags.isEmpty:
            var tagging = queueTarget(.tagQueue, queueName: name, anonymous: anonymous)
            (tagging.requestTags, tagging.tagKeys) = (tags, tags.keys.sorted())
            return [tagging]
        case .startMessageMoveTask(let sourceArn, let destinationArn, _):
            let source = Self.name(inArn: sourceArn)
            let destinations: [String]
            if let destinationArn { destinations = [Self.name(inArn: destinationArn)] } else {
                destinations = try await engine.moveTaskDestinations(of: source)
            }
            return sourceRights.map { queueTarget($0, queueName: source, anonymous: anonymous) }
                + destinations.map { queueTarget(.sendMessage, queueName: $0, anonymous: anonymous) }
        case .cancelMessageMoveTask(let handle):
            guard let source = engine.moveTaskSourceArn(handle: handle).map(Self.name(inArn:)) else { return [] }
            return sourceRights.map { queueTarget($0, queueName: source, anonymous: anonymous) }
        case .listMessageMoveTasks(let sourceArn, _):
            return [queueTarget(.getQueueAttributes, queueName: Self.name(inArn: sourceArn), anonymous: anonymous)]
        default:
            return []
        }
    }

    /// `action` on queue `queueName` (or on `*` without one), with the queue's policy and tags.
    private func queueTarget(_ action: SQSAction, queueName: String?, anonymous: Bool) -> Authorizer.Target {
        var target = Authorizer.Target(action: action.iamAction, resource: "*")
        if let queueName {
            target.resource = engine.queueArn(queueName)
            if let queue = try? engine.getQueue(name: queueName) {
                target.resourcePolicy = anonymous && Self.ownerOnlyActions.contains(action) ? nil : queue.settings.policy
                target.resourceTags = queue.tags
                target.revision = Authorizer.Revision(id: queue.id, version: queue.version)
            } else {
                target.revision = .absent
            }
        } else {
            target.revision = .noResource
        }
        return target
    }

    private static func name(inArn arn: String) -> String {
        SQSRequest.queueName(inArn: arn) ?? arn
    }
}

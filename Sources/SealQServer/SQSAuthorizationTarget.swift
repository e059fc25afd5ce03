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
        .addPermission, .createQueue, .deleteQueue, .listQueueTags, .listQueues, .removePermission, .setQueueAttributes,
        .tagQueue, .untagQueue,
    ]

    /// The target of `request`, decoded as `action`, for a caller of this account (`anonymous`
    /// false) or an unauthenticated one.
    func target(of request: SQSRequest, action: SQSAction, anonymous: Bool) -> Authorizer.Target {
        var target = Authorizer.Target(action: action.iamAction, resource: "*")
        let queueName: String?
        switch request {
        case .cancelMessageMoveTask(let handle):
            queueName = engine.moveTaskSourceArn(handle: handle).flatMap { $0.split(separator: ":").last.map(String.init) }
        default:
            queueName = request.queueName
        }
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
}

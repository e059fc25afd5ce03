// sdkcheck drives a SealQ daemon with the AWS SDK for Go (v1, Debian's
// golang-github-aws-aws-sdk-go-dev), a second real SDK beside boto3: its SQS
// client speaks the Query protocol and checks every MD5OfMessageBody the
// daemon answers (a mismatch fails the call as InvalidChecksum); its KMS and
// CloudTrail clients speak JSON 1.1, STS and IAM (access keys, credential
// report) the Query protocol.
//
// Usage: SEALQ_URL=http://127.0.0.1:PORT AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… sdkcheck
// Prints "ok STEP" per step; on the first failure prints "FAIL STEP: …" and exits 1.
package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/cloudtrail"
	"github.com/aws/aws-sdk-go/service/iam"
	"github.com/aws/aws-sdk-go/service/kms"
	"github.com/aws/aws-sdk-go/service/sqs"
	"github.com/aws/aws-sdk-go/service/sts"
)

func check(step string, err error) {
	if err != nil {
		fmt.Printf("FAIL %s: %v\n", step, err)
		os.Exit(1)
	}
	fmt.Printf("ok %s\n", step)
}

func expect(step string, ok bool, format string, args ...interface{}) {
	if !ok {
		check(step, fmt.Errorf(format, args...))
	}
}

// expectCode passes when err is the AWS error `code`.
func expectCode(step string, err error, code string) {
	aerr, ok := err.(awserr.Error)
	if !ok || aerr.Code() != code {
		check(step, fmt.Errorf("want error %s, got %v", code, err))
	}
	check(step, nil)
}

func main() {
	sess := session.Must(session.NewSession(&aws.Config{
		Endpoint:   aws.String(os.Getenv("SEALQ_URL")),
		Region:     aws.String("us-east-1"),
		MaxRetries: aws.Int(0),
	}))
	q := sqs.New(sess)
	name := "go-sdk-" + strconv.FormatInt(time.Now().UnixNano(), 36)

	created, err := q.CreateQueue(&sqs.CreateQueueInput{
		QueueName:  aws.String(name),
		Attributes: map[string]*string{"VisibilityTimeout": aws.String("45"), "DelaySeconds": aws.String("0")},
		Tags:       map[string]*string{"team": aws.String("go")},
	})
	check("CreateQueue", err)
	url := created.QueueUrl
	got, err := q.GetQueueUrl(&sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	check("GetQueueUrl", err)
	expect("GetQueueUrl", *got.QueueUrl == *url, "%s != %s", *got.QueueUrl, *url)

	binary := []byte{0, 1, 2, 0xfe, 0xff}
	body := "héllo from Go ✓ \U0001F600"
	sent, err := q.SendMessage(&sqs.SendMessageInput{
		QueueUrl:    url,
		MessageBody: aws.String(body),
		MessageAttributes: map[string]*sqs.MessageAttributeValue{
			"s":     {DataType: aws.String("String"), StringValue: aws.String("text")},
			"n":     {DataType: aws.String("Number.float"), StringValue: aws.String("3.25")},
			"b":     {DataType: aws.String("Binary"), BinaryValue: binary},
			"label": {DataType: aws.String("String.custom"), StringValue: aws.String("x")},
		},
		MessageSystemAttributes: map[string]*sqs.MessageSystemAttributeValue{
			"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793")},
		},
	})
	check("SendMessage (the SDK checks the body's MD5)", err)
	expect("SendMessage", sent.MD5OfMessageAttributes != nil && len(*sent.MD5OfMessageAttributes) == 32, "no MD5OfMessageAttributes")
	expect("SendMessage", sent.MD5OfMessageSystemAttributes != nil, "no MD5OfMessageSystemAttributes")

	var entries []*sqs.SendMessageBatchRequestEntry
	for i := 0; i < 10; i++ {
		entries = append(entries, &sqs.SendMessageBatchRequestEntry{
			Id: aws.String(fmt.Sprintf("e%d", i)), MessageBody: aws.String(fmt.Sprintf("batch body %d <&>", i)),
		})
	}
	batch, err := q.SendMessageBatch(&sqs.SendMessageBatchInput{QueueUrl: url, Entries: entries})
	check("SendMessageBatch (the SDK checks each body's MD5)", err)
	expect("SendMessageBatch", len(batch.Successful) == 10 && len(batch.Failed) == 0, "%d sent, %d failed", len(batch.Successful), len(batch.Failed))

	received := map[string]*sqs.Message{}
	for attempt := 0; attempt < 10 && len(received) < 11; attempt++ {
		out, err := q.ReceiveMessage(&sqs.ReceiveMessageInput{
			QueueUrl: url, MaxNumberOfMessages: aws.Int64(10), WaitTimeSeconds: aws.Int64(1),
			AttributeNames: []*string{aws.String("All")}, MessageAttributeNames: []*string{aws.String("All")},
		})
		check("ReceiveMessage (the SDK checks each body's MD5)", err)
		for _, m := range out.Messages {
			received[*m.MessageId] = m
		}
	}
	expect("ReceiveMessage", len(received) == 11, "received %d of 11", len(received))
	first := received[*sent.MessageId]
	expect("ReceiveMessage", first != nil && *first.Body == body, "the first message's body came back changed")
	expect("ReceiveMessage", bytes.Equal(first.MessageAttributes["b"].BinaryValue, binary), "binary attribute changed")
	expect("ReceiveMessage", *first.MessageAttributes["n"].DataType == "Number.float", "custom type label lost")
	expect("ReceiveMessage", *first.MD5OfMessageAttributes == *sent.MD5OfMessageAttributes, "attribute MD5s differ between send and receive")
	expect("ReceiveMessage", first.Attributes["AWSTraceHeader"] != nil && first.Attributes["ApproximateReceiveCount"] != nil, "system attributes missing")

	_, err = q.ChangeMessageVisibility(&sqs.ChangeMessageVisibilityInput{QueueUrl: url, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: aws.Int64(0)})
	check("ChangeMessageVisibility", err)
	var deletes []*sqs.DeleteMessageBatchRequestEntry
	for id, m := range received {
		if id != *sent.MessageId {
			deletes = append(deletes, &sqs.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprintf("d%d", len(deletes))), ReceiptHandle: m.ReceiptHandle})
		}
	}
	deleted, err := q.DeleteMessageBatch(&sqs.DeleteMessageBatchInput{QueueUrl: url, Entries: deletes})
	check("DeleteMessageBatch", err)
	expect("DeleteMessageBatch", len(deleted.Successful) == 10, "%d deleted", len(deleted.Successful))
	_, err = q.ChangeMessageVisibility(&sqs.ChangeMessageVisibilityInput{QueueUrl: url, ReceiptHandle: aws.String("forged"), VisibilityTimeout: aws.Int64(5)})
	expectCode("ChangeMessageVisibility with a forged handle", err, "ReceiptHandleIsInvalid")

	attrs, err := q.GetQueueAttributes(&sqs.GetQueueAttributesInput{QueueUrl: url, AttributeNames: []*string{aws.String("All")}})
	check("GetQueueAttributes", err)
	expect("GetQueueAttributes", *attrs.Attributes["VisibilityTimeout"] == "45", "VisibilityTimeout %s", *attrs.Attributes["VisibilityTimeout"])
	expect("GetQueueAttributes", *attrs.Attributes["ApproximateNumberOfMessages"] == "1", "ApproximateNumberOfMessages %s", *attrs.Attributes["ApproximateNumberOfMessages"])
	tags, err := q.ListQueueTags(&sqs.ListQueueTagsInput{QueueUrl: url})
	check("ListQueueTags", err)
	expect("ListQueueTags", tags.Tags["team"] != nil && *tags.Tags["team"] == "go", "tags %v", tags.Tags)
	_, err = q.GetQueueUrl(&sqs.GetQueueUrlInput{QueueName: aws.String(name + "-missing")})
	expectCode("GetQueueUrl of a missing queue", err, "AWS.SimpleQueueService.NonExistentQueue")

	fifo, err := q.CreateQueue(&sqs.CreateQueueInput{
		QueueName:  aws.String(name + ".fifo"),
		Attributes: map[string]*string{"FifoQueue": aws.String("true"), "ContentBasedDeduplication": aws.String("true")},
	})
	check("CreateQueue (FIFO)", err)
	for i := 0; i < 3; i++ {
		_, err = q.SendMessage(&sqs.SendMessageInput{QueueUrl: fifo.QueueUrl, MessageBody: aws.String(fmt.Sprintf("f%d", i)), MessageGroupId: aws.String("g")})
		check("SendMessage (FIFO)", err)
	}
	_, err = q.SendMessage(&sqs.SendMessageInput{QueueUrl: fifo.QueueUrl, MessageBody: aws.String("f0"), MessageGroupId: aws.String("g")})
	check("SendMessage (FIFO duplicate)", err)
	ordered, err := q.ReceiveMessage(&sqs.ReceiveMessageInput{QueueUrl: fifo.QueueUrl, MaxNumberOfMessages: aws.Int64(10)})
	check("ReceiveMessage (FIFO)", err)
	expect("ReceiveMessage (FIFO)", len(ordered.Messages) == 3 && *ordered.Messages[0].Body == "f0" && *ordered.Messages[2].Body == "f2",
		"got %d messages, in the wrong order or with the duplicate", len(ordered.Messages))

	k := kms.New(sess)
	key, err := k.CreateKey(&kms.CreateKeyInput{Description: aws.String("go sdk")})
	check("CreateKey", err)
	context := map[string]*string{"purpose": aws.String("sdkcheck")}
	sealed, err := k.Encrypt(&kms.EncryptInput{KeyId: key.KeyMetadata.KeyId, Plaintext: []byte("secret"), EncryptionContext: context})
	check("Encrypt", err)
	opened, err := k.Decrypt(&kms.DecryptInput{CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context})
	check("Decrypt", err)
	expect("Decrypt", string(opened.Plaintext) == "secret" && *opened.KeyId == *key.KeyMetadata.Arn, "plaintext or key id differ")
	_, err = k.Decrypt(&kms.DecryptInput{CiphertextBlob: sealed.CiphertextBlob})
	expectCode("Decrypt without its encryption context", err, "InvalidCiphertextException")
	dataKey, err := k.GenerateDataKey(&kms.GenerateDataKeyInput{KeyId: key.KeyMetadata.KeyId, KeySpec: aws.String("AES_256")})
	check("GenerateDataKey", err)
	expect("GenerateDataKey", len(dataKey.Plaintext) == 32, "a %d-byte data key", len(dataKey.Plaintext))

	identity, err := sts.New(sess).GetCallerIdentity(&sts.GetCallerIdentityInput{})
	check("GetCallerIdentity", err)
	expect("GetCallerIdentity", identity.Account != nil && len(*identity.Account) == 12, "account %v", identity.Account)

	events, err := cloudtrail.New(sess).LookupEvents(&cloudtrail.LookupEventsInput{
		LookupAttributes: []*cloudtrail.LookupAttribute{{AttributeKey: aws.String("EventName"), AttributeValue: aws.String("SendMessageBatch")}},
	})
	check("LookupEvents", err)
	expect("LookupEvents", len(events.Events) >= 1 && *events.Events[0].EventSource == "sqs.amazonaws.com", "%d events", len(events.Events))

	_, err = q.DeleteQueue(&sqs.DeleteQueueInput{QueueUrl: url})
	check("DeleteQueue", err)

	checkAccessKeys(sess)
}

// checkAccessKeys makes, uses, lists, disables and deletes an access key of the caller (the
// admin, who holds one fixed key), and reads the credential report, through IAM's Query API.
func checkAccessKeys(sess *session.Session) {
	i := iam.New(sess)
	made, err := i.CreateAccessKey(&iam.CreateAccessKeyInput{})
	check("CreateAccessKey", err)
	key := made.AccessKey
	expect("CreateAccessKey", *key.Status == "Active" && len(*key.SecretAccessKey) == 40 && key.CreateDate != nil, "key %v", key)
	_, err = i.CreateAccessKey(&iam.CreateAccessKeyInput{})
	expectCode("CreateAccessKey past the quota", err, "LimitExceeded")

	signer := sts.New(sess, &aws.Config{Credentials: credentials.NewStaticCredentials(*key.AccessKeyId, *key.SecretAccessKey, "")})
	who, err := signer.GetCallerIdentity(&sts.GetCallerIdentityInput{})
	check("GetCallerIdentity with the new key", err)
	expect("GetCallerIdentity with the new key", strings.HasSuffix(*who.Arn, ":user/admin"), "arn %s", *who.Arn)

	listed, err := i.ListAccessKeys(&iam.ListAccessKeysInput{MaxItems: aws.Int64(1)})
	check("ListAccessKeys", err)
	expect("ListAccessKeys", len(listed.AccessKeyMetadata) == 1 && *listed.IsTruncated && listed.Marker != nil, "%v", listed)
	rest, err := i.ListAccessKeys(&iam.ListAccessKeysInput{Marker: listed.Marker})
	check("ListAccessKeys (next page)", err)
	expect("ListAccessKeys (next page)", len(rest.AccessKeyMetadata) == 1 && !*rest.IsTruncated, "%v", rest)

	used, err := i.GetAccessKeyLastUsed(&iam.GetAccessKeyLastUsedInput{AccessKeyId: key.AccessKeyId})
	check("GetAccessKeyLastUsed", err)
	last := used.AccessKeyLastUsed
	expect("GetAccessKeyLastUsed", *used.UserName == "admin" && *last.ServiceName == "sts" && last.LastUsedDate != nil, "%v", used)

	_, err = i.UpdateAccessKey(&iam.UpdateAccessKeyInput{AccessKeyId: key.AccessKeyId, Status: aws.String("Inactive")})
	check("UpdateAccessKey", err)
	_, err = signer.GetCallerIdentity(&sts.GetCallerIdentityInput{})
	expectCode("GetCallerIdentity with the disabled key", err, "InvalidClientTokenId")

	state, err := i.GenerateCredentialReport(&iam.GenerateCredentialReportInput{})
	check("GenerateCredentialReport", err)
	expect("GenerateCredentialReport", *state.State == "COMPLETE", "state %s", *state.State)
	report, err := i.GetCredentialReport(&iam.GetCredentialReportInput{})
	check("GetCredentialReport", err)
	lines := strings.Split(string(report.Content), "\n")
	expect("GetCredentialReport", *report.ReportFormat == "text/csv" && len(lines) >= 3 &&
		strings.HasPrefix(lines[0], "user,arn,user_creation_time,") && strings.HasPrefix(lines[1], "<root_account>,"),
		"report %q", report.Content)

	_, err = i.DeleteAccessKey(&iam.DeleteAccessKeyInput{AccessKeyId: key.AccessKeyId})
	check("DeleteAccessKey", err)
	_, err = i.DeleteAccessKey(&iam.DeleteAccessKeyInput{AccessKeyId: key.AccessKeyId})
	expectCode("DeleteAccessKey again", err, "NoSuchEntity")
}

package sigma

import (
	"testing"

	"github.com/trailsql/trailsql/internal/trailtest"
)

// TestSigmaHQKnownBehaviour checks what ../shared/sigma/README.md says of
// the rules: the comparisons that only work case-insensitively or on JSON
// booleans, and the rules' own defects, which a correct engine keeps.
func TestSigmaHQKnownBehaviour(t *testing.T) {
	byFile, _ := loadSigmaHQ(t)
	rule := func(name string) *Rule {
		t.Helper()
		r := byFile["rules/cloud/aws/cloudtrail/"+name+".yml"]
		if r == nil {
			t.Fatalf("no rule %s", name)
		}
		return r
	}
	f := func(name, rec string, want bool) {
		t.Helper()
		got, err := Match(rule(name), record(t, rec))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != want {
			t.Errorf("%s on %s: got %v, want %v", name, rec, got, want)
		}
	}

	// MFAUsed: 'NO' matches CloudTrail's "No" (case-insensitive).
	f("aws_cloudtrail_console_login_success_without_mfa",
		`{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No"},"responseElements":{"ConsoleLogin":"Success"}}`, true)
	f("aws_cloudtrail_console_login_success_without_mfa",
		`{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"Yes"},"responseElements":{"ConsoleLogin":"Success"}}`, false)
	// requestParameters.enable: 'false' matches the JSON boolean false.
	f("aws_cloudtrail_guardduty_detector_deleted_or_updated",
		`{"eventSource":"guardduty.amazonaws.com","eventName":"UpdateDetector","requestParameters":{"detectorId":"d","enable":false}}`, true)
	f("aws_cloudtrail_guardduty_detector_deleted_or_updated",
		`{"eventSource":"guardduty.amazonaws.com","eventName":"UpdateDetector","requestParameters":{"detectorId":"d","enable":true}}`, false)
	f("aws_cloudtrail_guardduty_detector_deleted_or_updated",
		`{"eventSource":"guardduty.amazonaws.com","eventName":"UpdateDetector","errorCode":"AccessDenied","requestParameters":{"enable":false}}`, false)
	// `|contains: '*'` used as "exists": a present, non-null value.
	f("aws_new_lambda_layer_attached",
		`{"eventSource":"lambda.amazonaws.com","eventName":"UpdateFunctionConfiguration20150331v2","requestParameters":{"layers":["arn:aws:lambda:us-east-1:1:layer:x:1"]}}`, true)
	f("aws_new_lambda_layer_attached",
		`{"eventSource":"lambda.amazonaws.com","eventName":"UpdateFunctionConfiguration20150331v2","requestParameters":{"layers":[]}}`, false)
	f("aws_ec2_vm_export_failure", `{"eventSource":"ec2.amazonaws.com","eventName":"CreateInstanceExportTask","responseElements":{"exportTask":{"state":"active"}}}`, true)
	f("aws_ec2_vm_export_failure", `{"eventSource":"ec2.amazonaws.com","eventName":"CreateInstanceExportTask","errorCode":"Client.Unsupported"}`, false)
	f("aws_ec2_vm_export_failure", `{"eventSource":"ec2.amazonaws.com","eventName":"CreateInstanceExportTask","responseElements":{"exportTask":{"state":"Failure"}}}`, false)
	// The whole request as text (requestParameters|contains).
	f("aws_disable_bucket_versioning", `{"eventSource":"s3.amazonaws.com","eventName":"PutBucketVersioning","requestParameters":{"bucketName":"b","VersioningConfiguration":{"Status":"Suspended"}}}`, true)
	f("aws_disable_bucket_versioning", `{"eventSource":"s3.amazonaws.com","eventName":"PutBucketVersioning","requestParameters":{"bucketName":"b","VersioningConfiguration":{"Status":"Enabled"}}}`, false)

	// Defect: aws_iam_backdoor_users_keys compares with the literal text
	// "responseElements.accessKey.userName", so its filter never applies
	// and the rule fires on a user creating its own key too.
	self := `{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","userIdentity":{"arn":"arn:aws:iam::1:user/alice"},"responseElements":{"accessKey":{"userName":"alice"}}}`
	f("aws_iam_backdoor_users_keys", self, true)
	f("aws_iam_backdoor_users_keys", `{"eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","userIdentity":{"arn":"x/responseElements.accessKey.userName"}}`, false)
	// Defect: aws_update_login_profile compares an ARN with a user name
	// (fieldref equality), which never holds: a user changing its own
	// password fires too.
	f("aws_update_login_profile", `{"eventSource":"iam.amazonaws.com","eventName":"UpdateLoginProfile","userIdentity":{"arn":"arn:aws:iam::1:user/alice"},"requestParameters":{"userName":"alice"}}`, true)
	f("aws_update_login_profile", `{"eventSource":"iam.amazonaws.com","eventName":"UpdateLoginProfile","userIdentity":{"arn":"alice"},"requestParameters":{"userName":"alice"}}`, false)
	// Defect: aws_delete_saml_provider tests a status field CloudTrail
	// does not have: it never fires on a real event.
	f("aws_delete_saml_provider", `{"eventSource":"iam.amazonaws.com","eventName":"DeleteSAMLProvider","requestParameters":{"sAMLProviderArn":"arn:aws:iam::1:saml-provider/x"},"responseElements":null}`, false)
	f("aws_delete_saml_provider", `{"eventSource":"iam.amazonaws.com","eventName":"DeleteSAMLProvider","status":"Success"}`, true)

	// Defect: aws_ec2_startup_script_change expects
	// requestParameters.attribute: userData, but the Stratus ec2-user-data
	// detonation sends {instanceId, userData}: it does not fire there.
	var modify int
	for _, d := range trailtest.Detonations(t) {
		if d.Name != "aws.execution.ec2-user-data" {
			continue
		}
		for _, rec := range d.Records {
			if rec["eventName"] != "ModifyInstanceAttribute" {
				continue
			}
			modify++
			if vals, _ := Lookup(rec, []string{"requestParameters", "userData"}); len(vals) != 1 {
				t.Errorf("ModifyInstanceAttribute without userData: %v", rec["requestParameters"])
			}
			if ok, err := Match(rule("aws_ec2_startup_script_change"), rec); err != nil || ok {
				t.Errorf("aws_ec2_startup_script_change fires on the detonation: %v %v", ok, err)
			}
		}
	}
	if modify == 0 {
		t.Error("the ec2-user-data detonation has no ModifyInstanceAttribute")
	}
	f("aws_ec2_startup_script_change", `{"eventSource":"ec2.amazonaws.com","eventName":"ModifyInstanceAttribute","requestParameters":{"instanceId":"i-1","attribute":"userData"}}`, true)
}

package trailtest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestMinIO(t *testing.T) {
	m := StartMinIO(t)
	m.CreateBucket(t, "bkt")
	m.Put(t, "bkt", "open/x.json", []byte("{}"), map[string]string{"signature": "ab"})
	m.Put(t, "bkt", "closed/y.json", []byte("{}"), nil)
	ctx := context.Background()
	c := m.ClientWith(m.RestrictedCredentials(t, `{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]},
{"Effect":"Deny","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::bkt/closed/*"]},
{"Effect":"Deny","Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::bkt"],"Condition":{"StringLike":{"s3:prefix":["closed/*"]}}}]}`), nil)
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("open/x.json")}); err != nil {
		t.Fatalf("open object: %v", err)
	}
	if _, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("closed/y.json")}); err == nil {
		t.Fatal("closed object was readable")
	} else {
		t.Log(err)
	}
	if _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Prefix: aws.String("closed/")}); err == nil {
		t.Fatal("closed prefix was listable")
	} else {
		t.Log(err)
	}
	if _, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("bkt"), Prefix: aws.String("open/")}); err != nil {
		t.Fatalf("open prefix: %v", err)
	}
	m.Stop()
	if _, err := m.Client().ListBuckets(ctx, &s3.ListBucketsInput{}); err == nil {
		t.Fatal("stopped server answered")
	}
	m.Start()
	out, err := m.Client().HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bkt"), Key: aws.String("open/x.json")})
	if err != nil {
		t.Fatalf("after restart: %v", err)
	}
	if out.Metadata["signature"] != "ab" {
		t.Fatalf("metadata %v", out.Metadata)
	}
}

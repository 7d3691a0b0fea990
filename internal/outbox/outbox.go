// Package outbox delivers the mail and text messages Gatehouse sends
// (codes, links, alerts) at least once: a message is queued as a durable
// job, sealed because it carries a one-time secret, and a worker renders
// and sends it, retrying with backoff until the provider takes it.
package outbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gatehouse-auth/gatehouse/internal/jobs"
	"github.com/gatehouse-auth/gatehouse/internal/seal"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// JobKind is the job that delivers one message.
const JobKind = "messages.send"

// Channels.
const (
	Email = "email"
	SMS   = "sms"
)

// Message is one mail or text to deliver. Kind names the template
// (verification, magicSession, recovery, otpSession, sessionAlert,
// mfaChallenge, accountLinked, accountUnlinked, accountClaimed for mail;
// verification, login, mfaChallenge for texts).
type Message struct {
	ProjectID string            `json:"projectId"`
	Channel   string            `json:"channel"`
	Kind      string            `json:"kind"`
	To        string            `json:"to"`
	ToName    string            `json:"toName,omitempty"`
	Locale    string            `json:"locale,omitempty"`
	Vars      map[string]string `json:"vars"`
}

// sealed is the job payload: the message, encrypted.
type sealed struct {
	Sealed string `json:"sealed"`
}

// Enqueuer queues jobs; *jobs.Runner is one.
type Enqueuer interface {
	Enqueue(ctx context.Context, kind string, payload any, opts ...jobs.EnqueueOption) (*storage.Job, error)
}

// Outbox queues messages.
type Outbox struct {
	q   Enqueuer
	box *seal.Box
}

// New returns an Outbox queueing on q, sealing with box.
func New(q Enqueuer, box *seal.Box) *Outbox { return &Outbox{q: q, box: box} }

// Send queues m for delivery. It returns once the message is stored.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if _, err := o.q.Enqueue(ctx, JobKind, sealed{Sealed: o.box.Seal(string(b))}); err != nil {
		return fmt.Errorf("queue %s %s: %w", m.Channel, m.Kind, err)
	}
	return nil
}

// Job returns m as a job to store in the caller's own transaction (see
// storage.LinkWork), so the message is queued if and only if the change
// it tells about is made. Workers find it at their next poll.
func (o *Outbox) Job(m Message) (*storage.Job, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(sealed{Sealed: o.box.Seal(string(b))})
	if err != nil {
		return nil, err
	}
	return &storage.Job{Kind: JobKind, Payload: payload}, nil
}

// open reads a job payload back into a message.
func open(box *seal.Box, payload json.RawMessage) (Message, error) {
	var s sealed
	var m Message
	if err := json.Unmarshal(payload, &s); err != nil {
		return m, err
	}
	plain, err := box.Open(s.Sealed)
	if err != nil {
		return m, err
	}
	err = json.Unmarshal([]byte(plain), &m)
	return m, err
}

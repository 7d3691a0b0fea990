// Package apperr holds the error kinds Gatehouse answers with. It is the only
// place where Appwrite's error type strings and statuses are spelled, so the
// wire stays consistent across every endpoint.
package apperr

import (
	"errors"
	"fmt"
)

// Kind is one Appwrite error type with its HTTP status and a safe default
// message. Kinds are compared by pointer.
type Kind struct {
	Type   string
	Status int
	Msg    string
}

// Error is what capability packages return. Msg is shown to the client; Err
// is the cause, logged but never sent.
type Error struct {
	Kind *Kind
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Kind.Type + ": " + e.Err.Error()
	}
	return e.Kind.Type
}

func (e *Error) Unwrap() error { return e.Err }

// Message is the text sent to the client.
func (e *Error) Message() string {
	if e.Msg != "" {
		return e.Msg
	}
	return e.Kind.Msg
}

// New returns an error of kind k with its default message.
func New(k *Kind) *Error { return &Error{Kind: k} }

// Newf returns an error of kind k with a formatted client message.
func Newf(k *Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of kind k whose cause is err.
func Wrap(k *Kind, err error) *Error { return &Error{Kind: k, Err: err} }

// Is reports whether err is an *Error of kind k.
func Is(err error, k *Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// Invalid is the common "bad parameter" error, naming the parameter the way
// Appwrite does.
func Invalid(param, why string) *Error {
	return Newf(ArgumentInvalid, "Invalid `%s` param: %s", param, why)
}

// Missing reports a required parameter that was not sent.
func Missing(param string) *Error {
	return Newf(ArgumentInvalid, "Param \"%s\" is not optional.", param)
}

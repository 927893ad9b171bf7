package sis

import (
	"errors"
	"fmt"
)

// Errors of the alert layer. Refusals by a rule of the Regulation are
// *RuleError values that match ErrRefused and name their article.
var (
	ErrUnknownActor = errors.New("sis: unknown user")
	// ErrForbidden: the actor's authority may not perform the operation
	// (access matrix, Art. 44–49, or Art. 59(3) for another MS's alert).
	ErrForbidden = errors.New("sis: operation not allowed for this actor")
	// ErrNotFound: no such alert, or one the actor may not see (the two are
	// not told apart, so that refusals do not reveal alerts).
	ErrNotFound = errors.New("sis: no such alert")
	// ErrRefused is matched by every *RuleError.
	ErrRefused = errors.New("sis: refused")
	// ErrDuplicate: the person or object already has an alert of this
	// Member State (Art. 23(2)).
	ErrDuplicate = errors.New("sis: duplicate alert")
	// ErrIncompatible: another Member State's alert on the same person is
	// incompatible; the SIRENE Bureaux must consult (Art. 23(3)).
	ErrIncompatible = errors.New("sis: incompatible with an existing alert")
	// ErrQuality: biometric data failed the modality's quality gate (Art. 42).
	ErrQuality = errors.New("sis: biometric quality check failed")
	// ErrNoEngine: the modality needed has no engine configured.
	ErrNoEngine = errors.New("sis: no engine for this modality")
)

// RuleError is a refusal by a rule of the Regulation.
type RuleError struct {
	Article string // "42(2)"
	Reason  string
	kind    error // optional sentinel (ErrDuplicate, ErrQuality …)
	cause   error
}

func (e *RuleError) Error() string {
	s := fmt.Sprintf("sis: refused (Art. %s): %s", e.Article, e.Reason)
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

// Is matches ErrRefused and the refusal's own sentinel.
func (e *RuleError) Is(target error) bool {
	return target == ErrRefused || (e.kind != nil && target == e.kind)
}

// Unwrap returns the cause (a modality's quality error, for example).
func (e *RuleError) Unwrap() error { return e.cause }

func refuse(article, format string, args ...any) error {
	return &RuleError{Article: article, Reason: fmt.Sprintf(format, args...)}
}

func refuseAs(kind error, article, format string, args ...any) error {
	return &RuleError{Article: article, Reason: fmt.Sprintf(format, args...), kind: kind}
}

func forbidden(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrForbidden, fmt.Sprintf(format, args...))
}

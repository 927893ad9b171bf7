// Package sis is the alert layer enforcing Regulation (EU) 2018/1862 (the
// Schengen Information System for police and judicial cooperation): alerts
// and their biometrics, access rights, quality gates, hits, flags, links,
// retention with automatic deletion, and a tamper-evident audit log.
//
// This package is built by a later issue; until then it holds only this
// description.
package sis

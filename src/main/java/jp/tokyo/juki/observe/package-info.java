/**
 * What operators see of a running gateway: Prometheus metrics, health checks of its
 * neighbours (database, broker, national servers) and of its own keys, served on the
 * management port (docs/operations/observe.md).
 */
package jp.tokyo.juki.observe;

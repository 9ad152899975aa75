/**
 * Agencies (提供先・移転先): who may ask for what — {@code config/agencies.yaml}, validated at
 * start-up — and, with the agency issue, their SFTP drop folders and signed, encrypted files.
 */
package jp.tokyo.juki.agency;

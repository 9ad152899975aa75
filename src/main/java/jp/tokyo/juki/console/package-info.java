/**
 * The operator console (issue 12 point 6): server-rendered pages in Japanese (English as a second
 * language) on the operator port, for a current Chromium or Firefox, with no front-end build. The
 * same gate as the API guards every page ({@link jp.tokyo.juki.api.ApiGate} in cookie mode: the
 * session cookie, the CSRF token of every form, same-origin requests only); the pages call the same
 * capabilities as the API's actions. When the session has ended or the terminal is locked (idle),
 * the next page is the lock screen, never the last page.
 */
package jp.tokyo.juki.console;

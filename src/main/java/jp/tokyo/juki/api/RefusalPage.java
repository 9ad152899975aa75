package jp.tokyo.juki.api;

import org.apache.camel.Exchange;

/** How a console request's refusal is shown: a page, not JSON (the console renders it). */
@FunctionalInterface
public interface RefusalPage {
    void render(Exchange e, int status, String code, String reason);
}

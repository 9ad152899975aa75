package jp.tokyo.juki.record;

import java.time.LocalDate;

/** The body of a {@code FUHYO_UPDATE}: the record (for a deletion, as it stood), why and when. */
public record FuhyoUpdate(FuhyoRecord record, Reason reason, LocalDate changeDate) {
}

package jp.tokyo.juki.console;

import static jp.tokyo.juki.testkit.Messages.update;
import static jp.tokyo.juki.testkit.TestPki.SHINJUKU;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jp.tokyo.juki.operator.Role;
import jp.tokyo.juki.security.Identities;
import jp.tokyo.juki.testkit.Browser;
import jp.tokyo.juki.testkit.Messages;
import jp.tokyo.juki.testkit.OperatorDesk;
import jp.tokyo.juki.wire.FrameClient;
import jp.tokyo.juki.wire.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's search (R-SRCH) and 検索件数 report in a real headless Chromium presenting the
 * operator's certificate: a searcher searches by a kanji prefix with a purpose and sees the count and
 * the result table (a current and a deleted person told apart); an auditor reads the report with that
 * search in it. Screenshots go to {@code docs/console/search.png} and {@code search-report.png}
 * (made-up persons).
 */
class SearchConsoleIT {
    private static final Path SHOTS = Path.of("docs", "console");

    @BeforeEach
    void browserAvailable() {
        Browser.assumeAvailable();
    }

    @Test
    void aSearcherSeesTheCountAndTheTableAndAnAuditorTheReport() throws Exception {
        try (OperatorDesk desk = OperatorDesk.start(false, Map.of())) {
            desk.issue("searcher-c", Role.SEARCHER).issue("auditor-s", Role.AUDITOR);
            ObjectNode current = Messages.person(SHINJUKU, Messages.newJuminhyoCode(), Messages.newMyNumber(), "画面 試験子", "ガメン シケンコ");
            ObjectNode gone = Messages.person(SHINJUKU, Messages.newJuminhyoCode(), Messages.newMyNumber(), "画面 転出", "ガメン テンシュツ");
            try (FrameClient cs = desk.gw.connect(SHINJUKU)) {
                for (var r : List.of(update(SHINJUKU, "MOVE_IN", current), update(SHINJUKU, "MOVE_IN", gone),
                        update(SHINJUKU, "MOVE_OUT", gone))) {
                    assertThat(cs.send(r).get(20, TimeUnit.SECONDS).status()).isEqualTo(Status.ACK);
                }
            }
            try (Browser searcher = Browser.as(Identities.operator("searcher-c"), desk.origin())) {
                WebDriver d = login(searcher);
                searcher.get("/console/search");
                wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("reason"))).sendKeys("窓口での本人確認（受付 R8-0101）");
                d.findElement(By.id("nameKanji")).sendKeys("画面");
                d.findElement(By.id("submit")).click();
                WebElement table = wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("persons")));
                assertThat(d.findElement(By.id("total")).getText()).isEqualTo("2");
                assertThat(table.getText()).contains("画面 試験子", "画面 転出", "現存", "消除")
                        .doesNotContain(current.get("myNumber").asText());
                searcher.screenshot(SHOTS.resolve("search.png"));
            }
            try (Browser auditor = Browser.as(Identities.operator("auditor-s"), desk.origin())) {
                WebDriver d = login(auditor);
                auditor.get("/console/search-report");
                WebElement from = wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("from")));
                ((JavascriptExecutor) d).executeScript("arguments[0].value = arguments[1]", from,
                        LocalDate.now(ZoneId.of("Asia/Tokyo")).toString());
                d.findElement(By.id("submit")).click();
                WebElement days = wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("days")));
                assertThat(days.getText()).contains("searcher-c");
                auditor.screenshot(SHOTS.resolve("search-report.png"));
            }
            for (String png : List.of("search.png", "search-report.png")) {
                assertThat(Files.size(SHOTS.resolve(png))).as(png).isGreaterThan(10_000);
            }
        }
    }

    private static WebDriver login(Browser b) {
        WebDriver d = b.get("/console/login");
        wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("terminal"))).sendKeys(OperatorDesk.TERMINAL);
        d.findElement(By.id("password")).sendKeys(OperatorDesk.PASSWORD);
        d.findElement(By.cssSelector("#login button")).click();
        wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("roles")));
        return d;
    }

    private static WebDriverWait wait(WebDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(20));
    }
}

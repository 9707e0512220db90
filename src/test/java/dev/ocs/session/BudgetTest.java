package dev.ocs.session;

import dev.ocs.ExitCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.ocs.session.DiagnosisTest.codes;
import static dev.ocs.session.DiagnosisTest.messages;
import static dev.ocs.session.DiagnosisTest.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * budget-exceeded on a session recorded from a real 1.18.33 (two prompts, each answered in two steps): the newest
 * run's steps are summed, the figures are in the finding, and it is exit 1.
 */
class BudgetTest {
    static final String FIXTURE = "life/diff-session.messages.json";

    Report withBudget(Budget budget) throws IOException {
        List<Message> ms = messages(FIXTURE);
        SessionInfo info = new SessionInfo(ms.get(0).sessionID, "t", "/d", null, null, null, null, null, null, null);
        return report(info, Status.IDLE, ms, Waiting.NONE, new Diagnosis("ocs", null).withBudget(budget),
                ReportView.NONE);
    }

    /** What the newest run spent, summed here from the fixture the way the rule should. */
    static Budget.Spend newestRun() throws IOException {
        Budget.Spend s = Budget.Spend.NONE;
        for (Message m : messages(FIXTURE)) {
            s = m.isUser() ? Budget.Spend.NONE : s.plus(m.tokens.total(), m.cost);
        }
        return s;
    }

    @Test
    void aRunOverItsTokensIsAFindingWithTheFigures() throws IOException {
        Budget.Spend spent = newestRun();
        assertTrue(spent.tokens() > 10_000, "two steps of some 8000 tokens each: " + spent);
        Report r = withBudget(new Budget(null, spent.tokens() - 1));
        assertEquals(java.util.Set.of(Diagnosis.BUDGET_EXCEEDED), codes(r));
        assertEquals(ExitCode.FINDING, r.exitCode());
        Finding f = r.findings().get(0);
        assertEquals(Finding.Severity.ERROR, f.severity());
        assertTrue(f.summary().contains(spent.tokens() + " tokens and $"), f.summary());
        assertTrue(f.evidence().endsWith("the budget was --max-tokens " + (spent.tokens() - 1)), f.evidence());
    }

    @Test
    void onlyTheNewestRunCounts() throws IOException {
        Budget.Spend spent = newestRun();
        // The whole session spent about twice as much: a budget above the newest run passes.
        assertTrue(withBudget(new Budget(null, spent.tokens())).findings().isEmpty());
        assertTrue(withBudget(new Budget(spent.cost() + 0.0001, null)).findings().isEmpty());
    }

    @Test
    void aCostBudgetAndBothAtOnce() throws IOException {
        Budget.Spend spent = newestRun();
        assertTrue(spent.cost() > 0, "the stand-in model has a price: " + spent);
        Report cost = withBudget(new Budget(spent.cost() / 2, null));
        assertEquals(java.util.Set.of(Diagnosis.BUDGET_EXCEEDED), codes(cost));
        Report both = withBudget(new Budget(spent.cost() / 2, spent.tokens() * 2));
        assertTrue(both.findings().get(0).evidence().endsWith("--max-tokens " + spent.tokens() * 2 + " and --max-cost "
                + spent.cost() / 2), both.findings().get(0).evidence());
    }

    @Test
    void noBudgetNoFinding() throws IOException {
        assertFalse(codes(withBudget(null)).contains(Diagnosis.BUDGET_EXCEEDED));
        assertEquals(null, Budget.of(null, null));
    }
}

package jp.tokyo.juki.retention;

/** One job's timer bean for {@code routes/retention.camel.yaml}: {@link Retention#tick} of its job. */
public final class RetentionTimer {
    private final Retention retention;
    private final RetentionJob job;

    public RetentionTimer(Retention retention, RetentionJob job) {
        this.retention = retention;
        this.job = job;
    }

    public void tick() {
        retention.tick(job);
    }
}

package dev.canopy.controlplane.auth;

import dev.canopy.controlplane.problem.ProblemException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;

import java.time.Duration;

/**
 * How many API requests each key may make a second, so that one client (a script in a loop, a leaked key) cannot take
 * the control plane from every other: past it, a request is refused at once with 429 and {@code Retry-After}, never
 * queued. Per key and per control-plane process (each replica counts its own).
 */
public final class KeyRateLimits {
    /** What a key may ask by default: far above a person or the portal, well below what one process answers. */
    public static final int DEFAULT_PER_SECOND = 200;

    private final int perSecond;
    private final RateLimiterRegistry registry;

    /** @param perSecond requests a key may make each second; 0 or less: no limit */
    public KeyRateLimits(int perSecond) {
        this.perSecond = perSecond;
        this.registry = RateLimiterRegistry.of(RateLimiterConfig.custom()
                .limitForPeriod(Math.max(1, perSecond))
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    /** @throws ProblemException 429 when the key has made its requests for this second */
    public void admit(Principal who) {
        if (perSecond <= 0) {
            return;
        }
        RateLimiter limiter = registry.rateLimiter(who.keyId());
        if (!limiter.acquirePermission()) {
            // the permissions come back every second: the next one is at most that far
            throw ProblemException.tooManyRequests("key " + who.keyId() + " made more than " + perSecond
                    + " requests in a second; retry after 1 s", 1);
        }
    }
}

package dev.canopy.controlplane.region;

/** A kubeconfig for the tests, with two contexts: {@code mock} reaches the given server, {@code other} nothing. */
public final class MockKubeconfig {
    private MockKubeconfig() {
    }

    public static String of(String serverUrl) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: { server: "%s" }
                - name: other
                  cluster: { server: "https://other.invalid:6443" }
                users:
                - name: tester
                  user: { token: not-checked-by-the-mock }
                contexts:
                - name: other
                  context: { cluster: other, user: tester }
                - name: mock
                  context: { cluster: mock, user: tester, namespace: default }
                current-context: other
                """.formatted(serverUrl);
    }
}

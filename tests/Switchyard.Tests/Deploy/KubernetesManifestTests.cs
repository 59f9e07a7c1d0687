using System.Diagnostics;
using Switchyard.Configuration;
using Switchyard.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Tests.Deploy;

/// <summary>
/// deploy/kubernetes rendered by <c>kubectl kustomize</c> (base and every overlay) meets the rules of a platform
/// deployment: a StatefulSet with a journal volume per replica, probes, resources, a locked-down security context,
/// config from a ConfigMap that the gateway's own loader accepts, secrets only through secretKeyRef, a PDB and an
/// HPA that select the pods, topology spread and Prometheus scrape annotations. A broken rule fails naming it.
/// </summary>
public sealed class KubernetesManifestTests
{
    public static TheoryData<string> Targets => new() { "base", "overlays/small", "overlays/large", "overlays/split" };

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Kustomize_Target_MeetsEveryRule(string target)
    {
        var documents = await KubernetesManifests.RenderAsync(target);
        var problems = KubernetesRules.Check(documents);
        Assert.True(problems.Count == 0, $"deploy/kubernetes/{target} breaks {problems.Count} rule(s):\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task Rules_ContainerWithoutReadinessProbe_NamesTheRule()
    {
        var documents = await KubernetesManifests.RenderAsync("overlays/small");
        var container = KubernetesRules.Containers(KubernetesRules.Workload(documents)!).Single();
        container.Children.Remove(new YamlScalarNode("readinessProbe"));

        var problems = KubernetesRules.Check(documents);

        Assert.Contains(problems, p => p.StartsWith("readiness probe:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rules_LiteralSecretInEnv_NamesTheRule()
    {
        var documents = await KubernetesManifests.RenderAsync("overlays/small");
        var container = KubernetesRules.Containers(KubernetesRules.Workload(documents)!).Single();
        var env = (YamlSequenceNode)container.Children[new YamlScalarNode("env")];
        env.Add(new YamlMappingNode { { "name", "EXTRA_API_KEY" }, { "value", "sk-literal-0123456789" } });

        var problems = KubernetesRules.Check(documents);

        Assert.Contains(problems, p => p.StartsWith("secrets:", StringComparison.Ordinal) && p.Contains("EXTRA_API_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Split_RelayPoolAndAdminTier_EachWithItsServiceAndIngressPaths()
    {
        var documents = await KubernetesManifests.RenderAsync("overlays/split");

        var sets = KubernetesRules.OfKind(documents, "StatefulSet").ToDictionary(KubernetesRules.RoleOf, w => KubernetesRules.Str(w, "metadata", "name"));
        Assert.Equal(new Dictionary<string, string?> { ["relay"] = "switchyard", ["admin"] = "switchyard-admin" }, sets);
        var ingress = KubernetesRules.OfKind(documents, "Ingress").Single();
        var paths = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)ingress.Children[new YamlScalarNode("spec")]).Children[new YamlScalarNode("rules")])[0])
            .Children[new YamlScalarNode("http")]).Children[new YamlScalarNode("paths")]).Children.OfType<YamlMappingNode>()
            .ToDictionary(p => KubernetesRules.Str(p, "path")!, p => KubernetesRules.Str(p, "backend", "service", "name"));
        Assert.Equal("switchyard-admin", paths["/admin"]);
        Assert.Equal("switchyard-admin", paths["/ui"]);
        Assert.Equal("switchyard", paths["/"]);
    }

    [Fact]
    public async Task Rules_IngressSendsAdminToRelays_NamesTheRule()
    {
        var documents = await KubernetesManifests.RenderAsync("overlays/split");
        var ingress = KubernetesRules.OfKind(documents, "Ingress").Single();
        var admin = ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)ingress.Children[new YamlScalarNode("spec")]).Children[new YamlScalarNode("rules")])[0])
            .Children[new YamlScalarNode("http")]).Children[new YamlScalarNode("paths")]).Children.OfType<YamlMappingNode>().First(p => KubernetesRules.Str(p, "path") == "/admin");
        var service = (YamlMappingNode)((YamlMappingNode)admin.Children[new YamlScalarNode("backend")]).Children[new YamlScalarNode("service")];
        service.Children[new YamlScalarNode("name")] = new YamlScalarNode("switchyard");

        var problems = KubernetesRules.Check(documents);

        Assert.Contains(problems, p => p.StartsWith("ingress:", StringComparison.Ordinal) && p.Contains("/admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rules_RelayGivenTheMasterKey_NamesTheRule()
    {
        var documents = await KubernetesManifests.RenderAsync("overlays/split");
        var relay = KubernetesRules.OfKind(documents, "StatefulSet").Single(w => KubernetesRules.RoleOf(w) == "relay");
        var env = (YamlSequenceNode)KubernetesRules.Containers(relay).Single().Children[new YamlScalarNode("env")];
        env.Add(new YamlMappingNode
        {
            { "name", "SWITCHYARD_MASTER_KEY" },
            { "valueFrom", new YamlMappingNode { { "secretKeyRef", new YamlMappingNode { { "name", "switchyard-secrets" }, { "key", "master-key" } } } } },
        });

        var problems = KubernetesRules.Check(documents);

        Assert.Contains(problems, p => p.StartsWith("least privilege:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readme_DocumentsEverySecretKeyTheManifestsReference()
    {
        var documents = await KubernetesManifests.RenderAsync("base");
        var readme = await File.ReadAllTextAsync(Path.Combine(PrometheusTools.RepositoryRoot(), "deploy", "kubernetes", "README.md"));
        var references = KubernetesRules.Containers(KubernetesRules.Workload(documents)!)
            .SelectMany(c => c.Children.TryGetValue(new YamlScalarNode("env"), out var env) ? ((YamlSequenceNode)env).Children : [])
            .Select(e => (Secret: KubernetesRules.Str(e, "valueFrom", "secretKeyRef", "name"), Key: KubernetesRules.Str(e, "valueFrom", "secretKeyRef", "key")))
            .Where(r => r.Secret is not null)
            .ToList();

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.Equal("switchyard-secrets", r.Secret));
        Assert.All(references, r => Assert.True(readme.Contains($"| `{r.Key}` |", StringComparison.Ordinal), $"secret key {r.Key} is not in the README's Secrets table"));
        Assert.All(references, r => Assert.True(readme.Contains($"\"$d/{r.Key}\"", StringComparison.Ordinal), $"secret key {r.Key} is not created by the README's kubectl create secret command"));
    }

    [Fact]
    public async Task Overlays_LargeHasMoreReplicasAndResourcesThanSmall()
    {
        var small = await KubernetesManifests.RenderAsync("overlays/small");
        var large = await KubernetesManifests.RenderAsync("overlays/large");

        static int MaxReplicas(IReadOnlyList<YamlMappingNode> docs) =>
            int.Parse(KubernetesRules.Str(KubernetesRules.OfKind(docs, "HorizontalPodAutoscaler").Single(), "spec", "maxReplicas")!, System.Globalization.CultureInfo.InvariantCulture);
        static string? CpuRequest(IReadOnlyList<YamlMappingNode> docs) =>
            KubernetesRules.Str(KubernetesRules.Containers(KubernetesRules.Workload(docs)!).Single(), "resources", "requests", "cpu");

        Assert.True(MaxReplicas(large) > MaxReplicas(small), "large should allow more replicas than small");
        Assert.Equal("500m", CpuRequest(small));
        Assert.Equal("2", CpuRequest(large));
    }
}

/// <summary>Renders a kustomization of deploy/kubernetes with kubectl (installed on the machine image).</summary>
public static class KubernetesManifests
{
    public static async Task<IReadOnlyList<YamlMappingNode>> RenderAsync(string target)
    {
        var path = Path.Combine(PrometheusTools.RepositoryRoot(), "deploy", "kubernetes", target);
        var info = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(path);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start (expected at /usr/bin/kubectl)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {path} failed: {await stderr}");
        var stream = new YamlStream();
        stream.Load(new StringReader(output));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }
}

/// <summary>The rules, each problem prefixed with the rule's name.</summary>
public static class KubernetesRules
{
    private const string ConfigFileName = "switchyard.yaml";
    private static readonly string[] SecretNameParts = ["KEY", "SECRET", "TOKEN", "PASSWORD", "URL", "DSN", "CREDENTIAL"];
    private static readonly string[] SecretConfigFields = ["master_key", "secret_key", "previous_secret_keys", "database", "redis", "keys", "password", "secret", "token"];

    public static List<string> Check(IReadOnlyList<YamlMappingNode> documents)
    {
        var problems = new List<string>();
        void Fail(string rule, string detail) => problems.Add($"{rule}: {detail}");

        if (OfKind(documents, "Deployment").Any())
        {
            Fail("workload", "a Deployment is rendered; the gateway runs as a StatefulSet (a journal volume per replica)");
        }
        var workloads = OfKind(documents, "StatefulSet").ToList();
        if (workloads.Count == 0)
        {
            Fail("workload", "no StatefulSet rendered");
            return problems;
        }
        foreach (var secret in OfKind(documents, "Secret"))
        {
            Fail("secrets", $"Secret '{Str(secret, "metadata", "name")}' is rendered; secrets are created by the operator, never shipped");
        }
        foreach (var workload in workloads)
        {
            CheckWorkload(documents, workload, Fail);
        }
        foreach (var pdb in OfKind(documents, "PodDisruptionBudget").Where(p => !workloads.Any(w => SelectsPods(Labels(At(p, "spec", "selector", "matchLabels")), PodLabels(w)))))
        {
            Fail("pod disruption budget", $"PodDisruptionBudget {Str(pdb, "metadata", "name")} does not select the gateway's pods");
        }
        RoleRules(documents, workloads, Fail);
        return problems;
    }

    /// <summary>The instance role a workload's gateway container runs with (<c>--role</c> in its args; <c>all</c> without).</summary>
    public static string RoleOf(YamlMappingNode workload)
    {
        var args = Containers(workload).Where(c => Str(c, "name") == "switchyard").SelectMany(c => Seq(c, "args")).OfType<YamlScalarNode>().Select(a => a.Value).ToList();
        var at = args.IndexOf("--role");
        return at >= 0 && at + 1 < args.Count ? args[at + 1] ?? "all" : "all";
    }

    private static Dictionary<string, string> PodLabels(YamlMappingNode workload) => Labels(At(workload, "spec", "template", "metadata", "labels"));

    /// <summary>
    /// With the roles split: each Service reaches one role, an Ingress sends /admin and /ui to instances serving the admin
    /// API and every other path to instances serving clients, and a relay gets no master key (it never reads one).
    /// </summary>
    private static void RoleRules(IReadOnlyList<YamlMappingNode> documents, List<YamlMappingNode> workloads, Action<string, string> Fail)
    {
        HashSet<string> RolesBehind(YamlMappingNode? service) => service is null ? []
            : workloads.Where(w => SelectsPods(Labels(At(service, "spec", "selector")), PodLabels(w))).Select(RoleOf).ToHashSet();
        YamlMappingNode? ServiceNamed(string? name) => OfKind(documents, "Service").FirstOrDefault(s => Str(s, "metadata", "name") == name);

        foreach (var service in OfKind(documents, "Service"))
        {
            if (RolesBehind(service) is { Count: > 1 } roles)
            {
                Fail("service", $"Service {Str(service, "metadata", "name")} selects pods of several roles ({string.Join(", ", roles.Order())}); give each role its own component label");
            }
        }
        foreach (var ingress in OfKind(documents, "Ingress"))
        {
            foreach (var path in Seq(ingress, "spec", "rules").SelectMany(r => Seq(r, "http", "paths")).OfType<YamlMappingNode>())
            {
                var route = Str(path, "path") ?? "/";
                var serviceName = Str(path, "backend", "service", "name");
                var roles = RolesBehind(ServiceNamed(serviceName));
                var adminPath = route is "/admin" or "/ui" || route.StartsWith("/admin/", StringComparison.Ordinal) || route.StartsWith("/ui/", StringComparison.Ordinal);
                string[] wanted = adminPath ? ["admin", "all"] : ["relay", "all"];
                if (roles.Count == 0 || !roles.All(wanted.Contains))
                {
                    Fail("ingress", $"path {route} goes to Service {serviceName}, whose pods run as {(roles.Count == 0 ? "nothing" : string.Join(", ", roles.Order()))}; it needs {string.Join(" or ", wanted)}");
                }
            }
        }
        foreach (var workload in workloads.Where(w => RoleOf(w) == "relay"))
        {
            foreach (var variable in Containers(workload).SelectMany(c => Seq(c, "env")).OfType<YamlMappingNode>())
            {
                if (Str(variable, "name") == "SWITCHYARD_MASTER_KEY" || Str(variable, "valueFrom", "secretKeyRef", "key") == "master-key")
                {
                    Fail("least privilege", $"relay StatefulSet {Str(workload, "metadata", "name")} is given the master key, which a relay never reads");
                }
            }
        }
    }

    private static void CheckWorkload(IReadOnlyList<YamlMappingNode> documents, YamlMappingNode workload, Action<string, string> Fail)
    {
        var podSpec = At(workload, "spec", "template", "spec") as YamlMappingNode;
        var podLabels = Labels(At(workload, "spec", "template", "metadata", "labels"));
        var containers = Containers(workload).ToList();
        var main = containers.FirstOrDefault(c => Str(c, "name") == "switchyard");
        if (podSpec is null || main is null)
        {
            Fail("workload", "the StatefulSet has no container named switchyard");
            return;
        }
        var serviceName = Str(workload, "spec", "serviceName");
        if (!OfKind(documents, "Service").Any(s => Str(s, "metadata", "name") == serviceName && Str(s, "spec", "clusterIP") == "None"))
        {
            Fail("workload", $"the StatefulSet's serviceName '{serviceName}' is not a rendered headless Service");
        }
        var selector = Labels(At(workload, "spec", "selector", "matchLabels"));
        if (selector.Count == 0 || !IsSubset(selector, podLabels))
        {
            Fail("workload", "the StatefulSet's selector does not match its pod labels");
        }

        // Image: a kustomize image entry named switchyard, so overlays and CI set the tag.
        var image = Str(main, "image") ?? "";
        if (!image.StartsWith("switchyard:", StringComparison.Ordinal) && !image.Contains("/switchyard:", StringComparison.Ordinal))
        {
            Fail("image", $"container image is '{image}', expected switchyard:<tag> set by the kustomize images entry");
        }

        // The config: a ConfigMap holding switchyard.yaml, mounted where SWITCHYARD_CONFIG points, that the gateway's loader accepts.
        var env = Seq(main, "env").OfType<YamlMappingNode>().ToList();
        var configPath = env.Where(e => Str(e, "name") == "SWITCHYARD_CONFIG").Select(e => Str(e, "value")).FirstOrDefault();
        var mounts = Seq(main, "volumeMounts").OfType<YamlMappingNode>().ToList();
        var volumes = Seq(podSpec, "volumes").OfType<YamlMappingNode>().ToList();
        string? configText = null;
        if (configPath is null)
        {
            Fail("config", "SWITCHYARD_CONFIG is not set on the container");
        }
        else
        {
            var mount = mounts.FirstOrDefault(m => configPath == $"{Str(m, "mountPath")}/{ConfigFileName}");
            var volume = volumes.FirstOrDefault(v => mount is not null && Str(v, "name") == Str(mount, "name"));
            var mapName = volume is null ? null : Str(volume, "configMap", "name");
            var map = OfKind(documents, "ConfigMap").FirstOrDefault(m => Str(m, "metadata", "name") == mapName);
            configText = map is null ? null : Str(map, "data", ConfigFileName);
            if (configText is null)
            {
                Fail("config", $"{configPath} is not a ConfigMap's {ConfigFileName} mounted into the container");
            }
        }

        // Secrets: secret-ish env only through secretKeyRef; the config's secret fields only as ${ENV}.
        foreach (var container in containers)
        {
            foreach (var variable in Seq(container, "env").OfType<YamlMappingNode>())
            {
                var name = Str(variable, "name") ?? "";
                var secretish = SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));
                if (secretish && Str(variable, "valueFrom", "secretKeyRef", "name") is null)
                {
                    Fail("secrets", $"env {name} of container {Str(container, "name")} is not from a secretKeyRef");
                }
            }
            foreach (var source in Seq(container, "envFrom").OfType<YamlMappingNode>())
            {
                if (At(source, "secretRef") is null)
                {
                    Fail("secrets", $"container {Str(container, "name")} takes envFrom something other than a Secret");
                }
            }
        }

        int? listenPort = null;
        if (configText is not null)
        {
            foreach (var literal in LiteralSecretFields(configText))
            {
                Fail("secrets", $"{ConfigFileName} field {literal} is a literal; use ${{ENV}} from switchyard-secrets");
            }
            try
            {
                var config = ConfigLoader.Parse(configText, name => EnvValue(env, name));
                listenPort = new Uri(config.Server.Listen).Port;
                if (!new Uri(config.Server.Listen).Host.Equals("0.0.0.0", StringComparison.Ordinal) && !config.Server.Listen.Contains("[::]", StringComparison.Ordinal))
                {
                    Fail("config", $"server.listen {config.Server.Listen} does not accept connections from outside the pod");
                }
                if (!config.Storage.Database.StartsWith("postgres", StringComparison.Ordinal))
                {
                    Fail("config", "storage.database is not PostgreSQL: replicas must share one database");
                }
                if (config.Storage.Redis is null)
                {
                    Fail("config", "storage.redis is not set: replicas must share their limits");
                }
                var journal = config.Storage.Journal;
                var claims = Seq(workload, "spec", "volumeClaimTemplates").OfType<YamlMappingNode>().Select(c => Str(c, "metadata", "name")).ToHashSet();
                if (!mounts.Any(m => claims.Contains(Str(m, "name")) && IsUnder(journal, Str(m, "mountPath"))))
                {
                    Fail("journal", $"storage.journal {journal} is not on a volumeClaimTemplate of the StatefulSet (each replica's own persistent volume)");
                }
            }
            catch (ConfigException e)
            {
                Fail("config", $"{ConfigFileName} does not load with the container's env: {string.Join("; ", e.Problems)}");
            }
        }

        // Ports and probes.
        var containerPorts = Seq(main, "ports").OfType<YamlMappingNode>().ToList();
        int? PortOf(YamlNode? port) => port is YamlScalarNode { Value: { } value }
            ? int.TryParse(value, out var number) ? number : containerPorts.Where(p => Str(p, "name") == value).Select(p => (int?)int.Parse(Str(p, "containerPort")!, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault()
            : null;
        var httpPort = containerPorts.Select(p => (int?)int.Parse(Str(p, "containerPort")!, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        if (listenPort is not null && httpPort != listenPort)
        {
            Fail("ports", $"containerPort {httpPort} is not server.listen's port {listenPort}");
        }
        void Probe(string rule, string field, string path)
        {
            var probe = At(main, field);
            if (probe is null)
            {
                Fail(rule, $"container switchyard has no {field}");
                return;
            }
            if (Str(probe, "httpGet", "path") != path)
            {
                Fail(rule, $"{field} is not an HTTP GET of {path}");
            }
            var port = PortOf(At(probe, "httpGet", "port"));
            if (port is null || (listenPort is not null && port != listenPort))
            {
                Fail(rule, $"{field} port {port} is not server.listen's port {listenPort}");
            }
        }
        Probe("readiness probe", "readinessProbe", "/readyz");
        Probe("liveness probe", "livenessProbe", "/healthz");

        // Resources.
        foreach (var container in containers)
        {
            foreach (var kind in new[] { "requests", "limits" })
            {
                foreach (var resource in new[] { "cpu", "memory" })
                {
                    if (Str(container, "resources", kind, resource) is null)
                    {
                        Fail("resources", $"container {Str(container, "name")} has no resources.{kind}.{resource}");
                    }
                }
            }
        }

        // Security context: container fields, with runAsNonRoot and seccomp allowed at pod level too.
        foreach (var container in containers)
        {
            var name = Str(container, "name");
            string? Either(params string[] path) => Str(container, ["securityContext", .. path]) ?? Str(podSpec, ["securityContext", .. path]);
            if (Either("runAsNonRoot") != "true")
            {
                Fail("securityContext", $"container {name}: runAsNonRoot is not true");
            }
            if (Str(container, "securityContext", "allowPrivilegeEscalation") != "false")
            {
                Fail("securityContext", $"container {name}: allowPrivilegeEscalation is not false");
            }
            if (Str(container, "securityContext", "readOnlyRootFilesystem") != "true")
            {
                Fail("securityContext", $"container {name}: readOnlyRootFilesystem is not true");
            }
            if (!Seq(container, "securityContext", "capabilities", "drop").OfType<YamlScalarNode>().Any(c => c.Value == "ALL"))
            {
                Fail("securityContext", $"container {name}: capabilities do not drop ALL");
            }
            if (Either("seccompProfile", "type") != "RuntimeDefault")
            {
                Fail("securityContext", $"container {name}: seccompProfile is not RuntimeDefault");
            }
        }
        var tmp = mounts.FirstOrDefault(m => Str(m, "mountPath") == "/tmp");
        if (tmp is null || !volumes.Any(v => Str(v, "name") == Str(tmp, "name") && At(v, "emptyDir") is not null))
        {
            Fail("securityContext", "no emptyDir on /tmp (the root filesystem is read-only)");
        }

        // Service, PDB, HPA.
        var workloadName = Str(workload, "metadata", "name");
        if (!OfKind(documents, "Service").Any(s => Str(s, "spec", "clusterIP") != "None" && SelectsPods(Labels(At(s, "spec", "selector")), podLabels)))
        {
            Fail("service", "no client Service selects the gateway's pods");
        }
        var pdbs = OfKind(documents, "PodDisruptionBudget").ToList();
        if (pdbs.Count == 0)
        {
            Fail("pod disruption budget", "no PodDisruptionBudget rendered");
        }
        else if (!pdbs.Any(p => SelectsPods(Labels(At(p, "spec", "selector", "matchLabels")), podLabels)))
        {
            Fail("pod disruption budget", $"no PodDisruptionBudget selects the pods of StatefulSet {workloadName}");
        }
        // Instances serving clients scale with the load; an admin tier may hold a fixed count instead.
        var hpas = OfKind(documents, "HorizontalPodAutoscaler")
            .Where(h => Str(h, "spec", "scaleTargetRef", "kind") == "StatefulSet" && Str(h, "spec", "scaleTargetRef", "name") == workloadName).ToList();
        var fixedCount = At(workload, "spec", "replicas") is not null;
        if (hpas.Count > 0 && fixedCount)
        {
            Fail("horizontal pod autoscaler", $"StatefulSet {workloadName} sets spec.replicas, which every apply would reset under the autoscaler");
        }
        if (hpas.Count == 0 && (RoleOf(workload) != "admin" || !fixedCount))
        {
            Fail("horizontal pod autoscaler", $"no HorizontalPodAutoscaler scales StatefulSet {workloadName}");
        }
        foreach (var hpa in hpas.Where(h => int.TryParse(Str(h, "spec", "minReplicas"), out var min) && min < 2))
        {
            Fail("horizontal pod autoscaler", $"{Str(hpa, "metadata", "name")} allows fewer than 2 replicas (a disruption would stop the gateway)");
        }

        // Topology spread over nodes, selecting the pods.
        var spreads = Seq(podSpec, "topologySpreadConstraints").OfType<YamlMappingNode>().ToList();
        if (!spreads.Any(s => Str(s, "topologyKey") == "kubernetes.io/hostname" && SelectsPods(Labels(At(s, "labelSelector", "matchLabels")), podLabels)))
        {
            Fail("topology spread", "no topologySpreadConstraint over kubernetes.io/hostname selecting the gateway's pods");
        }

        // Prometheus scrape annotations.
        var annotations = Labels(At(workload, "spec", "template", "metadata", "annotations"));
        if (annotations.GetValueOrDefault("prometheus.io/scrape") != "true")
        {
            Fail("scrape annotations", "pod template lacks prometheus.io/scrape: \"true\"");
        }
        if (annotations.GetValueOrDefault("prometheus.io/path") != "/metrics")
        {
            Fail("scrape annotations", "pod template's prometheus.io/path is not /metrics");
        }
        if (listenPort is not null && annotations.GetValueOrDefault("prometheus.io/port") != listenPort.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            Fail("scrape annotations", $"pod template's prometheus.io/port is not server.listen's port {listenPort}");
        }
    }

    public static YamlMappingNode? Workload(IReadOnlyList<YamlMappingNode> documents) =>
        OfKind(documents, "StatefulSet").FirstOrDefault();

    public static IEnumerable<YamlMappingNode> Containers(YamlMappingNode workload) =>
        Seq(workload, "spec", "template", "spec", "initContainers").Concat(Seq(workload, "spec", "template", "spec", "containers")).OfType<YamlMappingNode>();

    public static IEnumerable<YamlMappingNode> OfKind(IReadOnlyList<YamlMappingNode> documents, string kind) =>
        documents.Where(d => Str(d, "kind") == kind);

    public static string? Str(YamlNode? node, params string[] path) => At(node, path) is YamlScalarNode scalar ? scalar.Value : null;

    private static YamlNode? At(YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }
        return node;
    }

    private static IEnumerable<YamlNode> Seq(YamlNode? node, params string[] path) =>
        At(node, path) is YamlSequenceNode sequence ? sequence.Children : [];

    private static Dictionary<string, string> Labels(YamlNode? node) =>
        node is YamlMappingNode mapping
            ? mapping.Children.Where(p => p.Key is YamlScalarNode && p.Value is YamlScalarNode)
                .ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? "")
            : [];

    private static bool IsSubset(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.All(p => labels.TryGetValue(p.Key, out var value) && value == p.Value);

    private static bool SelectsPods(Dictionary<string, string> selector, Dictionary<string, string> podLabels) =>
        selector.Count > 0 && IsSubset(selector, podLabels);

    private static bool IsUnder(string path, string? folder) =>
        folder is not null && Path.IsPathRooted(path) && (path == folder || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal));

    /// <summary>The value the container would see: a literal value, or a stand-in for a secretKeyRef.</summary>
    private static string? EnvValue(List<YamlMappingNode> env, string name)
    {
        var variable = env.FirstOrDefault(e => Str(e, "name") == name);
        if (variable is null)
        {
            return null;
        }
        if (Str(variable, "value") is { } value)
        {
            return value;
        }
        if (Str(variable, "valueFrom", "secretKeyRef", "name") is null)
        {
            return null;
        }
        return name.Contains("DATABASE", StringComparison.OrdinalIgnoreCase) ? "postgres://switchyard:stand-in@postgres:5432/switchyard"
            : name.Contains("REDIS", StringComparison.OrdinalIgnoreCase) ? "redis://:stand-in@redis:6379/0"
            : "stand-in-secret-0123456789abcdef";
    }

    /// <summary>Paths of secret fields in the config whose value (or any item of it) does not come from ${ENV}.</summary>
    private static IEnumerable<string> LiteralSecretFields(string configText)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(configText));
        var found = new List<string>();
        void Walk(YamlNode node, string path, bool secret)
        {
            switch (node)
            {
                case YamlMappingNode mapping:
                    foreach (var (key, value) in mapping.Children)
                    {
                        var name = (key as YamlScalarNode)?.Value ?? "";
                        Walk(value, path.Length == 0 ? name : $"{path}.{name}", SecretConfigFields.Contains(name));
                    }
                    break;
                case YamlSequenceNode sequence:
                    var i = 0;
                    foreach (var item in sequence.Children)
                    {
                        Walk(item, $"{path}[{i++}]", secret);
                    }
                    break;
                case YamlScalarNode { Value: { Length: > 0 } text } when secret && !text.Contains("${", StringComparison.Ordinal):
                    found.Add(path);
                    break;
            }
        }
        foreach (var document in stream.Documents)
        {
            Walk(document.RootNode, "", false);
        }
        return found;
    }
}

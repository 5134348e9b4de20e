// pod-security evaluates pod templates against Pod Security Standards levels with k8s.io/pod-security-admission,
// the library the API server's PodSecurity admission plugin runs, so a template passes here exactly when the
// namespace's enforce label would admit its pods.
//
// Usage: pod-security -kubernetes-version v1.35 < pods.json
//
// Input (stdin): a JSON array of {"id", "level", "version", "metadata", "spec"}: level and version as the
// namespace's pod-security.kubernetes.io/enforce and enforce-version labels say them ("latest" is the
// cluster's own minor, -kubernetes-version), metadata and spec as in a pod template.
// Output (stdout): a JSON array of {"id", "level", "version", "allowed", "violations": ["reason (detail)", ...]}.
// Exit: 0 evaluated (whatever the verdicts), 1 bad input.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

type podTemplate struct {
	ID       string            `json:"id"`
	Level    string            `json:"level"`
	Version  string            `json:"version"`
	Metadata metav1.ObjectMeta `json:"metadata"`
	Spec     corev1.PodSpec    `json:"spec"`
}

type verdict struct {
	ID         string   `json:"id"`
	Level      string   `json:"level"`
	Version    string   `json:"version"`
	Allowed    bool     `json:"allowed"`
	Violations []string `json:"violations"`
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pod-security: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	kubernetesVersion := flag.String("kubernetes-version", "", "the cluster's minor, v1.N: what \"latest\" means")
	flag.Parse()
	emulated, err := api.ParseVersion(*kubernetesVersion)
	if err != nil || emulated.Latest() {
		fail("-kubernetes-version: %q must be v1.N", *kubernetesVersion)
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), &emulated)
	if err != nil {
		fail("%v", err)
	}
	var pods []podTemplate
	if err := json.NewDecoder(os.Stdin).Decode(&pods); err != nil {
		fail("stdin: %v", err)
	}
	verdicts := make([]verdict, 0, len(pods))
	for _, pod := range pods {
		level, err := api.ParseLevel(pod.Level)
		if err != nil {
			fail("%s: level %q %v", pod.ID, pod.Level, err)
		}
		version, err := api.ParseVersion(pod.Version)
		if err != nil {
			fail("%s: version %q %v", pod.ID, pod.Version, err)
		}
		result := policy.AggregateCheckResults(evaluator.EvaluatePod(api.LevelVersion{Level: level, Version: version}, &pod.Metadata, &pod.Spec))
		violations := []string{}
		for i, reason := range result.ForbiddenReasons {
			if detail := result.ForbiddenDetails[i]; detail != "" {
				reason += " (" + detail + ")"
			}
			violations = append(violations, reason)
		}
		verdicts = append(verdicts, verdict{ID: pod.ID, Level: pod.Level, Version: pod.Version, Allowed: result.Allowed, Violations: violations})
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", "  ")
	if err := out.Encode(verdicts); err != nil {
		fail("stdout: %v", err)
	}
}

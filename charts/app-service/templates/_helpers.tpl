{{/*
The app's name: app.kubernetes.io/name of every object.
*/}}
{{- define "app-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The name of every object: <release> when the release name contains the app's name, else
<release>-<name>; fullnameOverride replaces it.
*/}}
{{- define "app-service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := include "app-service.name" . }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "app-service.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Selector labels: the Deployment's selector, the Service's, the PDB's, the NetworkPolicy's and
the topology spread's. Never change them on a live release (a Deployment selector is immutable).
*/}}
{{- define "app-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "app-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of every object.
*/}}
{{- define "app-service.labels" -}}
helm.sh/chart: {{ include "app-service.chart" . }}
{{ include "app-service.selectorLabels" . }}
{{- with .Values.image.tag }}
{{- if regexMatch "^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$" . }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
{{- end }}
{{- with .Values.component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- with .Values.partOf }}
app.kubernetes.io/part-of: {{ . }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
The container image: repository[:tag][@digest].
*/}}
{{- define "app-service.image" -}}
{{- $image := .Values.image }}
{{- $ref := $image.repository }}
{{- with $image.tag }}{{ $ref = printf "%s:%s" $ref . }}{{ end }}
{{- with $image.digest }}{{ $ref = printf "%s@%s" $ref . }}{{ end }}
{{- $ref }}
{{- end }}

{{/*
The name of the metrics port: a port of its own, or the http port.
*/}}
{{- define "app-service.metricsPortName" -}}
{{- if and .Values.metrics.port (ne (int .Values.metrics.port) (int .Values.port)) }}metrics{{ else }}http{{ end }}
{{- end }}

{{/*
Rules that relate several values, which JSON Schema cannot express, and a second line of
defence for the schema's image rules (`helm template --skip-schema-validation` skips the schema).
Included by the Deployment, so every render runs it.
*/}}
{{- define "app-service.validate" -}}
{{- $image := .Values.image | default dict }}
{{- if not $image.repository }}
{{- fail "image.repository is required" }}
{{- end }}
{{- if and (not $image.tag) (not $image.digest) }}
{{- fail "image: set image.tag (an immutable tag) or image.digest (sha256:...); neither is set" }}
{{- end }}
{{- if and $image.tag (eq (lower (toString $image.tag)) "latest") }}
{{- fail "image.tag: \"latest\" is mutable; pin an immutable tag or a digest" }}
{{- end }}
{{- $autoscaling := .Values.autoscaling }}
{{- if and $autoscaling.enabled (gt (int $autoscaling.minReplicas) (int $autoscaling.maxReplicas)) }}
{{- fail (printf "autoscaling.minReplicas (%d) must not exceed autoscaling.maxReplicas (%d)" (int $autoscaling.minReplicas) (int $autoscaling.maxReplicas)) }}
{{- end }}
{{- if and (gt (int .Values.preStopSleepSeconds) 0) (ge (int .Values.preStopSleepSeconds) (int .Values.terminationGracePeriodSeconds)) }}
{{- fail (printf "preStopSleepSeconds (%d) must be shorter than terminationGracePeriodSeconds (%d)" (int .Values.preStopSleepSeconds) (int .Values.terminationGracePeriodSeconds)) }}
{{- end }}
{{- if gt (int .Values.probes.timeoutSeconds) (int .Values.probes.periodSeconds) }}
{{- fail (printf "probes.timeoutSeconds (%d) must not exceed probes.periodSeconds (%d)" (int .Values.probes.timeoutSeconds) (int .Values.probes.periodSeconds)) }}
{{- end }}
{{- end }}

{{/*
Annotations of an ingress-nginx Ingress: the extra annotations, then CORS and the rate limit
of `rateLimit` (a dict with rps and burstMultiplier), which take precedence.
Call with (dict "root" $ "rateLimit" $limit).
*/}}
{{- define "app-service.ingressAnnotations" -}}
{{- $ingress := .root.Values.ingress }}
{{- $computed := dict }}
{{- if .rateLimit }}
{{- $_ := set $computed "nginx.ingress.kubernetes.io/limit-rps" (toString .rateLimit.rps) }}
{{- $_ := set $computed "nginx.ingress.kubernetes.io/limit-burst-multiplier" (toString .rateLimit.burstMultiplier) }}
{{- end }}
{{- if $ingress.cors.enabled }}
{{- $cors := $ingress.cors }}
{{- $_ := set $computed "nginx.ingress.kubernetes.io/enable-cors" "true" }}
{{- $_ := set $computed "nginx.ingress.kubernetes.io/cors-allow-origin" (join ", " $cors.allowOrigins) }}
{{- $_ := set $computed "nginx.ingress.kubernetes.io/cors-allow-methods" $cors.allowMethods }}
{{- $_ := set $computed "nginx.ingress.kubernetes.io/cors-allow-headers" $cors.allowHeaders }}
{{- $_ := set $computed "nginx.ingress.kubernetes.io/cors-allow-credentials" (toString $cors.allowCredentials) }}
{{- $_ := set $computed "nginx.ingress.kubernetes.io/cors-max-age" (toString $cors.maxAge) }}
{{- end }}
{{- $all := merge $computed (deepCopy ($ingress.annotations | default dict)) }}
{{- if $all }}
{{- toYaml $all }}
{{- end }}
{{- end }}

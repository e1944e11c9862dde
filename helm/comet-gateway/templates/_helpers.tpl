{{- define "comet-gateway.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "comet-gateway.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "comet-gateway.labels" -}}
app.kubernetes.io/name: {{ include "comet-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "comet-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "comet-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "comet-gateway.passwordSecret" -}}
{{- if .Values.password.existingSecret -}}{{ .Values.password.existingSecret }}{{- else -}}{{ include "comet-gateway.fullname" . }}{{- end -}}
{{- end -}}

{{/*
How kubelet asks a health path. With PROXY protocol on the HTTP port the kubelet (the node's address,
often inside the trusted range) sends no header, so the pod asks itself on loopback with the image's
own probe command instead (loopback is not a trusted proxy). Called with (list $ "/health/ready").
*/}}
{{- define "comet-gateway.probe" -}}
{{- $root := index . 0 -}}
{{- $path := index . 1 -}}
{{- if and $root.Values.proxyProtocol.trustedProxies (contains "Http" $root.Values.proxyProtocol.ports) -}}
exec:
  command: ["/app/Comet.Gateway", "probe", "http://127.0.0.1:8087{{ $path }}"]
{{- else -}}
httpGet:
  path: {{ $path }}
  port: http
{{- end -}}
{{- end }}

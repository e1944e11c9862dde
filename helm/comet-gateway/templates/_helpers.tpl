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

{{- define "canopy-operator.name" -}}canopy-operator{{- end -}}

{{- define "canopy-operator.fullname" -}}
{{- if contains "canopy-operator" .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-canopy-operator" .Release.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "canopy-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ default (include "canopy-operator.fullname" .) .Values.serviceAccount.name }}{{- else -}}{{ default "default" .Values.serviceAccount.name }}{{- end -}}
{{- end -}}

{{- define "canopy-operator.labels" -}}
app.kubernetes.io/name: {{ include "canopy-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "canopy-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "canopy-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "canopy-operator.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end -}}

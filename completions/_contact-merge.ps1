
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'contact-merge' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'contact-merge'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'contact-merge' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json)')
            [CompletionResult]::new('--merge-time', '--merge-time', [CompletionResultType]::ParameterName, 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--output-format', '--output-format', [CompletionResultType]::ParameterName, 'Format of the output file (default: from -o''s extension, else the input''s)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show contacts as a table (property | value), sections summarised')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate exports: ids, emails, dates, lifecycle stages, numbers. Reports every problem; exit 1 when any is found')
            [CompletionResult]::new('unmerge', 'unmerge', [CompletionResultType]::ParameterValue, 'Split an additional email off a contact into a new contact, or restore a merged-away contact from the merge journal')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions generated from this command''s definition')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'contact-merge;show' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json)')
            [CompletionResult]::new('--merge-time', '--merge-time', [CompletionResultType]::ParameterName, 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--output-format', '--output-format', [CompletionResultType]::ParameterName, 'Format of the output file (default: from -o''s extension, else the input''s)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also list empty properties')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'contact-merge;check' {
            [CompletionResult]::new('--lifecycle-order', '--lifecycle-order', [CompletionResultType]::ParameterName, 'Custom lifecycle stage order (lowest first, labels or internal values)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json)')
            [CompletionResult]::new('--merge-time', '--merge-time', [CompletionResultType]::ParameterName, 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--output-format', '--output-format', [CompletionResultType]::ParameterName, 'Format of the output file (default: from -o''s extension, else the input''s)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'contact-merge;unmerge' {
            [CompletionResult]::new('--new-id', '--new-id', [CompletionResultType]::ParameterName, 'Record id of the new contact (default: the next free numeric id)')
            [CompletionResult]::new('--restore', '--restore', [CompletionResultType]::ParameterName, 'Bring back this merged-away contact exactly as the journal holds it')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The merge journal (JSON Lines) written by `merge`/`apply --journal`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json)')
            [CompletionResult]::new('--merge-time', '--merge-time', [CompletionResultType]::ParameterName, 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--output-format', '--output-format', [CompletionResultType]::ParameterName, 'Format of the output file (default: from -o''s extension, else the input''s)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace the input file (atomically)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'contact-merge;completions' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json)')
            [CompletionResult]::new('--merge-time', '--merge-time', [CompletionResultType]::ParameterName, 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--output-format', '--output-format', [CompletionResultType]::ParameterName, 'Format of the output file (default: from -o''s extension, else the input''s)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress or summaries on stderr (warnings and errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'contact-merge;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show contacts as a table (property | value), sections summarised')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate exports: ids, emails, dates, lifecycle stages, numbers. Reports every problem; exit 1 when any is found')
            [CompletionResult]::new('unmerge', 'unmerge', [CompletionResultType]::ParameterValue, 'Split an additional email off a contact into a new contact, or restore a merged-away contact from the merge journal')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions generated from this command''s definition')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'contact-merge;help;show' {
            break
        }
        'contact-merge;help;check' {
            break
        }
        'contact-merge;help;unmerge' {
            break
        }
        'contact-merge;help;completions' {
            break
        }
        'contact-merge;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

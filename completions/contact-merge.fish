# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_contact_merge_global_optspecs
    string join \n color= q/quiet h/help V/version
end

function __fish_contact_merge_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_contact_merge_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_contact_merge_using_subcommand
    set -l cmd (__fish_contact_merge_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c contact-merge -n "__fish_contact_merge_needs_command" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_needs_command" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -s h -l help -d 'Print help'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -s V -l version -d 'Print version'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "show" -d 'Show contacts as a table (property | value), sections summarised'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "check" -d 'Validate exports: ids, emails, dates, lifecycle stages, numbers. Reports every problem; exit 1 when any is found'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "diff" -d 'Preview a merge: property | primary | secondary | merged | rule, and what happens to every section. Never writes a file'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "merge" -d 'Merge SECONDARY into PRIMARY and write the whole export'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "apply" -d 'Apply a plan of merges (CSV primary_id,secondary_id or JSON [{"primary","secondary"}]), all or nothing unless --keep-going'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "unmerge" -d 'Split an additional email off a contact into a new contact, or restore a merged-away contact from the merge journal'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "dupes" -d 'Find likely duplicate contacts and write them as a plan `apply` runs'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "pull" -d 'Pull every contact from a HubSpot portal into an export (JSON, JSON Lines, CSV or XLSX, by -o\'s extension)'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "push" -d 'Send a plan\'s merges to a HubSpot portal, pair by pair, resumable'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "completions" -d 'Print shell completions (bash, elvish, fish, powershell, zsh) generated from this command\'s definition'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "man" -d 'Print the man page (roff) generated from this command\'s definition'
complete -c contact-merge -n "__fish_contact_merge_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand show" -l format -d 'Output for people (table) or scripts (json) [default: table]' -r -f -a "table\t''
json\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand show" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand show" -l input-format -d 'Format of the input file (default: from its extension)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand show" -l date-order -d 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)' -r -f -a "dmy\t''
mdy\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand show" -l properties -d 'The portal\'s property definitions (the JSON of HubSpot\'s GET /crm/v3/properties/contacts): labels in the portal\'s language, custom properties\' types, option labels' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand show" -l delimiter -d 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand show" -l all -d 'Also list empty properties'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand show" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand show" -s h -l help -d 'Print help'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -l lifecycle-order -d 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -l format -d 'Output for people (table) or scripts (json) [default: table]' -r -f -a "table\t''
json\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -l input-format -d 'Format of the input file (default: from its extension)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -l date-order -d 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)' -r -f -a "dmy\t''
mdy\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -l properties -d 'The portal\'s property definitions (the JSON of HubSpot\'s GET /crm/v3/properties/contacts): labels in the portal\'s language, custom properties\' types, option labels' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -l delimiter -d 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -l strict -d 'Warnings (cells a spreadsheet would run as formulas) count as problems: exit 1 when any is found'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand check" -s h -l help -d 'Print help'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l policy -d 'Which value a property without a rule of its own takes: the most recent (HubSpot\'s documented rule) or the primary\'s (HubSpot\'s newer merge)' -r -f -a "most-recent\t'The most recent non-empty value of either contact (the seed\'s rule)'
primary-wins\t'The primary\'s value; the secondary\'s only where the primary\'s is empty (HubSpot\'s newer merge)'"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l lifecycle-order -d 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l max-merges -d 'Refuse merges whose contacts together already took part in this many merges (HubSpot\'s limit)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l merge-time -d 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l format -d 'Output for people (table) or scripts (json) [default: table]' -r -f -a "table\t''
json\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l input-format -d 'Format of the input file (default: from its extension)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l date-order -d 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)' -r -f -a "dmy\t''
mdy\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l properties -d 'The portal\'s property definitions (the JSON of HubSpot\'s GET /crm/v3/properties/contacts): labels in the portal\'s language, custom properties\' types, option labels' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l delimiter -d 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l all -d 'Show every property, not only those that differ'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -l enroll-on-merge -d 'Mark the primary\'s workflows as seeing the merged contact as newly changed (HubSpot\'s "enroll on merge" setting)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l journal -d 'Append the merge to this journal (JSON Lines), for audits and `unmerge --restore`' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l policy -d 'Which value a property without a rule of its own takes: the most recent (HubSpot\'s documented rule) or the primary\'s (HubSpot\'s newer merge)' -r -f -a "most-recent\t'The most recent non-empty value of either contact (the seed\'s rule)'
primary-wins\t'The primary\'s value; the secondary\'s only where the primary\'s is empty (HubSpot\'s newer merge)'"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l lifecycle-order -d 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l max-merges -d 'Refuse merges whose contacts together already took part in this many merges (HubSpot\'s limit)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l merge-time -d 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -s o -l output -d 'The output file (`-` for stdout); its extension names the format, else the input\'s format is kept' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l output-format -d 'Format of the output file (default: from -o\'s extension, else the input\'s)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l format -d 'Output for people (table) or scripts (json) [default: table]' -r -f -a "table\t''
json\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l input-format -d 'Format of the input file (default: from its extension)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l date-order -d 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)' -r -f -a "dmy\t''
mdy\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l properties -d 'The portal\'s property definitions (the JSON of HubSpot\'s GET /crm/v3/properties/contacts): labels in the portal\'s language, custom properties\' types, option labels' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l delimiter -d 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l enroll-on-merge -d 'Mark the primary\'s workflows as seeing the merged contact as newly changed (HubSpot\'s "enroll on merge" setting)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l in-place -d 'Replace the input file (atomically)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -l sanitize-formulas -d 'In CSV output, put a `\'` before every cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; plain numbers and phone numbers such as -5 or +1 555 0100 are left as they are). Without it, cells are written exactly as read'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand merge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l plan -d 'The plan: CSV with primary_id,secondary_id (other columns ignored) or JSON [{"primary": "...", "secondary": "..."}]' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l journal -d 'Append the merges to this journal (JSON Lines, one line per merge), for audits and `unmerge --restore`' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l policy -d 'Which value a property without a rule of its own takes: the most recent (HubSpot\'s documented rule) or the primary\'s (HubSpot\'s newer merge)' -r -f -a "most-recent\t'The most recent non-empty value of either contact (the seed\'s rule)'
primary-wins\t'The primary\'s value; the secondary\'s only where the primary\'s is empty (HubSpot\'s newer merge)'"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l lifecycle-order -d 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l max-merges -d 'Refuse merges whose contacts together already took part in this many merges (HubSpot\'s limit)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l merge-time -d 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -s o -l output -d 'The output file (`-` for stdout); its extension names the format, else the input\'s format is kept' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l output-format -d 'Format of the output file (default: from -o\'s extension, else the input\'s)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l format -d 'Output for people (table) or scripts (json) [default: table]' -r -f -a "table\t''
json\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l input-format -d 'Format of the input file (default: from its extension)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l date-order -d 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)' -r -f -a "dmy\t''
mdy\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l properties -d 'The portal\'s property definitions (the JSON of HubSpot\'s GET /crm/v3/properties/contacts): labels in the portal\'s language, custom properties\' types, option labels' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l delimiter -d 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l keep-going -d 'Apply the good pairs, report the bad ones, exit 3 when any was skipped (default: any bad pair means nothing is written, exit 1)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l enroll-on-merge -d 'Mark the primary\'s workflows as seeing the merged contact as newly changed (HubSpot\'s "enroll on merge" setting)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l in-place -d 'Replace the input file (atomically)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -l sanitize-formulas -d 'In CSV output, put a `\'` before every cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; plain numbers and phone numbers such as -5 or +1 555 0100 are left as they are). Without it, cells are written exactly as read'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l new-id -d 'Record id of the new contact (default: the next free numeric id)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l restore -d 'Bring back this merged-away contact exactly as the journal holds it' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l journal -d 'The merge journal (JSON Lines) written by `merge`/`apply --journal`; give it once per journal when the merges are recorded in several' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l merge-time -d 'The time of the history entry a split adds to the emails left (RFC 3339) [default: now]; give it for the same bytes on every run' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -s o -l output -d 'The output file (`-` for stdout); its extension names the format, else the input\'s format is kept' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l output-format -d 'Format of the output file (default: from -o\'s extension, else the input\'s)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l format -d 'Output for people (table) or scripts (json) [default: table]' -r -f -a "table\t''
json\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l input-format -d 'Format of the input file (default: from its extension)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l date-order -d 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)' -r -f -a "dmy\t''
mdy\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l properties -d 'The portal\'s property definitions (the JSON of HubSpot\'s GET /crm/v3/properties/contacts): labels in the portal\'s language, custom properties\' types, option labels' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l delimiter -d 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l in-place -d 'Replace the input file (atomically)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -l sanitize-formulas -d 'In CSV output, put a `\'` before every cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; plain numbers and phone numbers such as -5 or +1 555 0100 are left as they are). Without it, cells are written exactly as read'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand unmerge" -s h -l help -d 'Print help'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -s o -l output -d 'Write the plan here: CSV (primary_id,secondary_id,score,reasons), or JSON when the name ends in .json; `-` writes the CSV plan to stdout' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l threshold -d 'Minimum score (0 to 1) of a duplicate pair; higher finds fewer, surer pairs' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l fields -d 'Properties to compare, by internal name or CSV label [default: every column whose header and content say it names, reaches or places a person: emails, phones, names, addresses, dates of birth, id numbers, company, job title]' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l explain -d 'Show why two contacts score what they do: each field\'s part in the match probability (a waterfall), instead of the plan' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l primary -d 'Which contact of a cluster is the primary (it keeps its id)' -r -f -a "oldest\t'The oldest create date (HubSpot keeps the older record\'s create date)'
newest\t'The newest create date'
most-complete\t'The most properties filled in (then the oldest)'"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l max-block -d 'Skip blocks of more contacts than this sharing one key (an email, a phone, a name and place), which say little and cost much' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l max-merges -d 'HubSpot\'s merge limit, as `apply --max-merges` takes it: a cluster whose merges would reach this many (counting the merges its contacts took part in before, hs_merged_object_ids) keeps the surest members that fit and leaves the others out, with a warning' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l format -d 'Output for people (table) or scripts (json) [default: table]' -r -f -a "table\t''
json\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l input-format -d 'Format of the input file (default: from its extension)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l date-order -d 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)' -r -f -a "dmy\t''
mdy\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l properties -d 'The portal\'s property definitions (the JSON of HubSpot\'s GET /crm/v3/properties/contacts): labels in the portal\'s language, custom properties\' types, option labels' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -l delimiter -d 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand dupes" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -s o -l output -d 'The export to write (a file: the pull resumes from files beside it); its extension names the format: .json, .ndjson/.jsonl, .csv, .xlsx' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -l properties -d 'Properties to pull: all (the portal\'s whole list) or names separated by commas [default: HubSpot\'s default set]' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -l api-base -d 'The API\'s address (for tests and proxies)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -l rate -d 'At most N requests in a window (100/10s is HubSpot\'s lowest tier; also N/1s, N/500ms)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -l format -d 'Output for people (table) or scripts (json) [default: table]' -r -f -a "table\t''
json\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -l with-history -d 'Also pull each property\'s history (propertiesWithHistory; pages of 50, HubSpot\'s limit with history)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -l associations -d 'Also pull the associated companies, deals and tickets'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand pull" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l plan -d 'The plan: CSV primary_id,secondary_id or JSON [{"primary","secondary"}]' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l log -d 'The push log (JSON Lines): every call\'s outcome, appended; a second run with the same log resumes' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l max-merges -d 'Refuse merges whose contacts together already took part in this many merges (HubSpot\'s limit: leave it unless HubSpot raised yours)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l lifecycle-order -d 'Custom lifecycle stage order, lowest first, or @FILE (as for `apply`: the plan is checked the way `apply` checks it)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l api-base -d 'The API\'s address (for tests and proxies)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l rate -d 'At most N requests in a window (100/10s is HubSpot\'s lowest tier; also N/1s, N/500ms)' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l format -d 'Output for people (table) or scripts (json) [default: table]' -r -f -a "table\t''
json\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l color -d 'When to colour tables [default: auto]' -r -f -a "auto\t''
always\t''
never\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l input-format -d 'Format of the input file (default: from its extension)' -r -f -a "json\t''
ndjson\t''
csv\t''
xlsx\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l date-order -d 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)' -r -f -a "dmy\t''
mdy\t''"
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l properties -d 'The portal\'s property definitions (the JSON of HubSpot\'s GET /crm/v3/properties/contacts): labels in the portal\'s language, custom properties\' types, option labels' -r -F
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l delimiter -d 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read' -r
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -l dry-run -d 'Check the plan and show what would be sent: each pair with the ids it would be sent with (after the merges before it), or that the log has it done; send nothing, write no log'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -s q -l quiet -d 'No progress, summaries or warnings on stderr (errors still show)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand completions" -s h -l help -d 'Print help'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand man" -s h -l help -d 'Print help'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "show" -d 'Show contacts as a table (property | value), sections summarised'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "check" -d 'Validate exports: ids, emails, dates, lifecycle stages, numbers. Reports every problem; exit 1 when any is found'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "diff" -d 'Preview a merge: property | primary | secondary | merged | rule, and what happens to every section. Never writes a file'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "merge" -d 'Merge SECONDARY into PRIMARY and write the whole export'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "apply" -d 'Apply a plan of merges (CSV primary_id,secondary_id or JSON [{"primary","secondary"}]), all or nothing unless --keep-going'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "unmerge" -d 'Split an additional email off a contact into a new contact, or restore a merged-away contact from the merge journal'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "dupes" -d 'Find likely duplicate contacts and write them as a plan `apply` runs'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "pull" -d 'Pull every contact from a HubSpot portal into an export (JSON, JSON Lines, CSV or XLSX, by -o\'s extension)'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "push" -d 'Send a plan\'s merges to a HubSpot portal, pair by pair, resumable'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "completions" -d 'Print shell completions (bash, elvish, fish, powershell, zsh) generated from this command\'s definition'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "man" -d 'Print the man page (roff) generated from this command\'s definition'
complete -c contact-merge -n "__fish_contact_merge_using_subcommand help; and not __fish_seen_subcommand_from show check diff merge apply unmerge dupes pull push completions man" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'

/* libFuzzer harness: the params files of rs-features encode --apply
 * (lib/features/encode.c) must be rejected cleanly when damaged, and when
 * accepted, applied to a table without fault.
 *
 * Input: the params file.  It is applied to the table below (the seeds
 * of scripts/fuzz-seeds-tables are fitted on its first four rows); the
 * output goes to /dev/null. */
#include "features/encode.h"

#include "fuzz_file.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char table[] = "month,age,amount,flag,desc,country\n"
                            "Jan,31,12.5,yes,red shoe,UK\n"
                            "Feb,,3,no,blue shoe and hat,FR\n"
                            "Jan,45,0,y,,UK\n"
                            "Mar,22,1e3,TRUE,red hat red,DE\n"
                            "\"a,b\",7,x,maybe,\"say \"\"hi\"\"\",\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char params[] = "/tmp/rs-fuzz-params.XXXXXX", input[] = "/tmp/rs-fuzz-table.XXXXXX";
    if (fuzz_file_write(data, size, params) < 0)
        return 0;
    if (fuzz_file_write((const uint8_t *)table, sizeof table - 1, input) < 0) {
        unlink(params);
        return 0;
    }
    rs_encode_spec spec = {0};
    spec.input = input;
    spec.output = "/dev/null";
    spec.apply = params;
    spec.table.csv.delim[0] = ',';
    spec.out_format = RS_FORMAT_CSV;
    rs_error err = {0};
    (void)rs_encode_run(&spec, &err);
    unlink(params);
    unlink(input);
    return 0;
}

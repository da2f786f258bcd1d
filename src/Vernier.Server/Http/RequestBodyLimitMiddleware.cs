using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Vernier.Server.Http;

/// <summary>
/// Enforces <see cref="VernierServerOptions.MaxRequestBodyBytes"/> in the application, so the limit holds on every
/// host (Kestrel enforces its own limit too; the in-process test server does not): a declared length over the limit
/// is refused at once with 413, and a body of unknown length (chunked) is read up to the limit first.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, VernierServerOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        long limit = options.MaxRequestBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength is long declared)
        {
            if (declared > limit)
            {
                throw TooLarge(limit);
            }
        }
        else if (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method) || HttpMethods.IsPatch(context.Request.Method))
        {
            // Unknown length: buffer at most limit + 1 bytes (the limit is small: 1 MiB by default) to know before anyone parses it.
            var buffer = new MemoryStream();
            byte[] chunk = new byte[16 * 1024];
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw TooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }

            buffer.Position = 0;
            context.Request.Body = buffer;
            context.Request.ContentLength = buffer.Length;
        }

        await next(context);
    }

    private static BadHttpRequestException TooLarge(long limit) =>
        new($"the request body is larger than the server's limit of {limit} bytes (option MaxRequestBodyBytes, --max-body-bytes).", StatusCodes.Status413PayloadTooLarge);
}
